import { describe, expect, test } from 'vitest';
import { describeRestoreOutcome, expectRestored } from '../assertions/expect-restored.js';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { allTasksRunning, taskCounts } from '../containers/flink-rest.js';
import type { JobSpec } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { stopWithSavepoint, submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { resumeFromSavepoint } from '../faults/restore-outcome.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import type { OraclePolicy } from '../history/types.js';
import { WINDOW_MS } from '../history/types.js';
import { jobSwitches, windowStartsRead } from './harness/job-lifecycle.js';
import { identicalDuplicateRecords, newestWindowStart } from './harness/output-progress.js';
import { writePhaseOne } from './harness/input-phases.js';
import { fits, runProfileCells } from './harness/profile-draw.js';
import { expectCleanFence } from './harness/expect-fenced.js';
import { runScenario, type Scenario } from './harness/scenario.js';
import { runVariants } from './harness/variant-draw.js';

// The exactly-once sink (`--exactly-once`: KafkaSink EXACTLY_ONCE, Kafka
// transactions committed on checkpoints) through the playground's two
// disruptive operations: a TaskManager failure and stop-with-savepoint /
// resume. `output` is read with read_committed; the oracle's exactly-once
// policy makes any identical duplicate a failure: zero duplicates required.

const EXACTLY_ONCE_JOB: JobSpec = { checkpointing: true, eventTime: true, exactlyOnce: true };
const POLICY: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
/** How the job reports a switch without a value among its global job parameters. */
const NO_VALUE = '__NO_VALUE_KEY';
const PHASE_1_WINDOWS = 4;
// Smoke: one of the two operations, drawn by seed; nightly: both, in every profile cell.
const operations = runVariants('exactly-once', ['taskmanager-kill', 'savepoint-resume']);

async function startExactlyOnceJob(s: Scenario): Promise<string> {
  const job = await submitJob(s, EXACTLY_ONCE_JOB, { via: 'cli' });
  await waitForJobRunning(s, job.jobId);
  expect(await jobSwitches(s.cluster, job.jobId), 'program arguments the job received').toMatchObject({
    checkpointing: NO_VALUE,
    'event-time': NO_VALUE,
    'exactly-once': NO_VALUE,
  });
  return job.jobId;
}

describe('exactly-once sink (read_committed)', () => {
  // Smoke: the playground profile; nightly: one cell per profile the body fits (the exactly-once half of the profile matrix).
  for (const cell of runProfileCells('exactly-once-taskmanager-kill', fits.defaultScheduler))
  test.runIf(operations.has('taskmanager-kill'))(`TaskManager killed while the job writes: after recovery every window is in \`output\` exactly once${cell.title}`, async () => {
    const WINDOWS = 12;
    await runScenario(cell.name, { outputIsolation: 'read_committed', ...(cell.profile ? { profile: cell.profile } : {}) }, async (s) => {
      // A second reader that also sees what was never committed: context for the report only.
      const uncommitted = await s.cluster.kafka.tap('output', 'read_uncommitted');
      try {
        const jobId = await startExactlyOnceJob(s);
        // Committed output becomes visible only after a checkpoint: windows 0-2 arrive through transactions.
        const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output, committed');
        expect(windowStartsRead(s.tap)).toEqual([0, 1, 2].map((w) => w * WINDOW_MS));

        // Phase 2 as fast as Kafka takes it; kill the only TaskManager while
        // the job writes: preferably while a transaction holds windows not yet
        // committed (the uncommitted reader is ahead), at the latest once the
        // first window of phase 2 is committed.
        generator.resume();
        const trigger = await waitFor(
          'phase 2 output (uncommitted ahead of committed, or committed)',
          async (seen) => {
            const committed = newestWindowStart(s.tap.records);
            const written = newestWindowStart(uncommitted.records);
            seen(`newest window committed ${committed ?? 'none'}, written ${written ?? 'none'}`);
            if (written !== null && written > (PHASE_1_WINDOWS - 2) * WINDOW_MS && (committed === null || written > committed)) return 'uncommitted output open';
            return committed !== null && committed > (PHASE_1_WINDOWS - 2) * WINDOW_MS ? 'phase 2 output committed' : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 50, diagnose: () => s.cluster.diagnose(jobId) },
        );
        s.extra.killedWhen = trigger;
        await killTaskManager(s, 0);
        await waitFor(
          `job ${jobId} to notice the lost TaskManager`,
          async (seen) => {
            const job = await s.cluster.rest.job(jobId);
            seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}`);
            return allTasksRunning(job) ? undefined : true;
          },
          { timeoutMs: 60_000, diagnose: () => s.cluster.diagnose(jobId) },
        );
        await startTaskManager(s, 0);
        const running = await waitForJobRunning(s, jobId, 180_000);
        // Into the history as seen now: the watcher polls every 0.5 s and the
        // history may be judged before its next poll, leaving the recovery unmeasured.
        s.history.jobState(jobId, running.state, taskCounts(running));
        const checkpoints = await s.cluster.rest.checkpoints(jobId);
        expect(checkpoints.counts.restored, 'the job restarted from a checkpoint').toBeGreaterThanOrEqual(1);

        await generator.done();
        // Lingering transactions of the killed writer would hold read_committed
        // readers at the last stable offset until the restarted job aborts them:
        // a settle that times out says how far behind the reader stayed.
        expect(await s.settle(240_000), 'all windows committed after recovery').toBe(true);
        const verdict = await s.judge(POLICY);
        expectVerdictOk(verdict);
        expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
        expect(verdict.summary.duplicateRecords, 'duplicates in committed output').toBe(0);
        // The judge's fence after the kill: stopped with a savepoint, LSO = HWM, no open
        // transaction, every record inside one.
        expectCleanFence(s, jobId, 'exactly-once');
        expect(s.tap.records.every((r) => typeof r.appendMs === 'number'), 'append times read').toBe(true);
      } finally {
        s.extra.readUncommitted = {
          records: uncommitted.records.length,
          duplicateRecords: identicalDuplicateRecords(uncommitted.records),
          note: 'what a read_uncommitted reader saw, aborted transactions included (context, not judged)',
        };
        await uncommitted.stop();
      }
    });
  });

  for (const cell of runProfileCells('exactly-once-savepoint-resume'))
  test.runIf(operations.has('savepoint-resume'))(`stop with savepoint, input while stopped, resume: every window in \`output\` exactly once across the stop${cell.title}`, async () => {
    const WINDOWS = 8;
    await runScenario(cell.name, { outputIsolation: 'read_committed', ...(cell.profile ? { profile: cell.profile } : {}) }, async (s) => {
      const jobId = await startExactlyOnceJob(s);
      const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output, committed');
      expect(windowStartsRead(s.tap)).toEqual([0, 1, 2].map((w) => w * WINDOW_MS));

      // Window 3 is complete in Kafka but unfired: its count lives only in the savepoint.
      const stopped = await stopWithSavepoint(s, jobId, 'cli');
      generator.resume();
      await generator.done();

      const outcome = await resumeFromSavepoint(s, EXACTLY_ONCE_JOB, stopped.location);
      s.extra.restore = { ...outcome, summary: describeRestoreOutcome(outcome) };
      expectRestored(outcome, stopped.location, s.runProfile.restoreMode);
      expect(await s.settle(180_000), 'all windows committed after the resume').toBe(true);
      const verdict = await s.judge(POLICY);
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      expect(verdict.summary.duplicateRecords, 'duplicates in committed output').toBe(0);
    });
  });
});
