import { verifyProfileApplied } from '../../containers/profiles/verify.js';
import { waitFor, WaitTimeout } from '../../containers/wait.js';
import type { Testbed } from '../../faults/context.js';

/** Checkpoints after a job's (re)start that make its read-back conclusive: incremental sizes need three (assertions/profile-applied.ts). */
const CHECKPOINTS_AFTER_RESTORE = 3;

/**
 * Before the fence: reads back from Flink, for the newest job, every job
 * the harness resumed from a snapshot and every job it stopped with one, whether the run's profile took
 * (history 'check' events, judged by profileReasons). A running job first
 * gets a bounded wait for a few checkpoints after its restore; a job that
 * never got them is read back anyway, and what Flink did not report is
 * inconclusive, never a pass.
 */
export async function verifyRunProfile(tb: Testbed, timeoutMs = 30_000): Promise<void> {
  const p = tb.profile;
  if (!p) return;
  const jobs = (await tb.cluster.rest.jobOverviews()).sort((a, b) => a['start-time'] - b['start-time']);
  const newest = jobs.at(-1);
  // FINISHED: stopped with a savepoint (the streaming job never ends by itself): its savepoint's format is read back from it.
  const ids = new Set([...(newest ? [newest.jid] : []), ...(tb.resumes ?? []).map((r) => r.jobId), ...jobs.filter((j) => j.state === 'FINISHED').map((j) => j.jid)]);
  for (const jobId of ids) {
    if (jobs.find((j) => j.jid === jobId)?.state === 'RUNNING') await checkpointsAfterRestore(tb, jobId, timeoutMs);
    const resumed = tb.resumes?.find((r) => r.jobId === jobId);
    await verifyProfileApplied(tb, p.profile, jobId, resumed ? { resumedFrom: resumed } : {});
  }
}

async function checkpointsAfterRestore(tb: Testbed, jobId: string, timeoutMs: number): Promise<void> {
  try {
    await waitFor(
      `${CHECKPOINTS_AFTER_RESTORE} checkpoints of job ${jobId} after its restore (profile read-back)`,
      async (seen) => {
        const stats = await tb.cluster.rest.checkpoints(jobId);
        const from = stats.latest.restored?.id ?? 0;
        const latest = stats.latest.completed?.id ?? 0;
        seen(`restored ${from || 'none'}, latest completed ${latest || 'none'}`);
        return latest >= from + CHECKPOINTS_AFTER_RESTORE ? true : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    tb.history.note(`profile read-back of job ${jobId} without ${CHECKPOINTS_AFTER_RESTORE} checkpoints after its restore: ${e.lastSeen}`);
  }
}
