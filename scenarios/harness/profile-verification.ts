import { existsSync } from 'node:fs';
import { profileCheck } from '../../assertions/profile-applied.js';
import type { Cluster } from '../../containers/cluster.js';
import { samePath } from '../../containers/profiles/read-back.js';
import type { Profile } from '../../containers/profiles/profile.js';
import { readBackProfile } from '../../containers/profiles/read-back.js';
import { waitFor, WaitTimeout } from '../../containers/wait.js';
import type { Testbed } from '../../faults/context.js';
import type { ProfileReadBack } from '../../history/profile-read-back.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { HistoryEvent } from '../../history/types.js';

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
    const checkpointId = resumed && (await snapshotIdByTaker(tb.cluster, jobs.map((j) => j.jid).filter((id) => id !== jobId), resumed.location));
    await verifyProfileApplied(tb, p.profile, jobId, resumed ? { resumedFrom: { ...resumed, ...(checkpointId === undefined ? {} : { checkpointId }) } } : {});
  }
}

/**
 * The id of the snapshot at `location` as the job that took it recorded it.
 * A resumed job's `latest.restored` names it only until a failover restores a
 * checkpoint of its own; its first checkpoint after the resume is this id + 1.
 * Undefined when no other job's history holds it (it may have left the bounded history).
 */
export async function snapshotIdByTaker(cluster: Cluster, jobIds: readonly string[], location: string): Promise<number | undefined> {
  for (const id of jobIds) {
    const stats = await cluster.rest.checkpoints(id).catch(() => undefined);
    const taken = stats?.history?.find((c) => c.status === 'COMPLETED' && c.external_path !== undefined && samePath(c.external_path, location));
    if (taken) return taken.id;
  }
  return undefined;
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

type CheckEvent = Extract<HistoryEvent, { kind: 'check' }>;

/**
 * Reads back from Flink whether `profile` took for job `jobId` and records it
 * as a history 'check' event named 'profile-applied' (judged later by
 * assertions/profile-applied.ts profileReasons). `resumedFrom`: the snapshot
 * the harness resumed the job from, as Flink names it and on the host (claim-mode evidence).
 */
export async function verifyProfileApplied(
  tb: { cluster: Cluster; history: HistoryRecorder },
  profile: Profile,
  jobId: string,
  options: { resumedFrom?: { location: string; hostPath: string; checkpointId?: number } } = {},
): Promise<{ readBack: ProfileReadBack; check: CheckEvent }> {
  const jobManagerLog = await tb.cluster.jobManager.logs().catch(() => undefined);
  const readBack = await readBackProfile(tb.cluster.rest.baseUrl, jobId, {
    ...(jobManagerLog === undefined ? {} : { jobManagerLog }),
    ...(options.resumedFrom
      ? { resumedFrom: { path: options.resumedFrom.location, onDisk: existsSync(options.resumedFrom.hostPath), ...(options.resumedFrom.checkpointId === undefined ? {} : { checkpointId: options.resumedFrom.checkpointId }) } }
      : {}),
  });
  const c = profileCheck(profile, readBack);
  const check = tb.history.check(c.name, c.ok, c.detail, c.data) as CheckEvent;
  return { readBack, check };
}
