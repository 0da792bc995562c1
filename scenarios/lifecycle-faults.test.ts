import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { hostPathOf, stopWithSavepoint, stopWithSavepointDuring, submitJob, waitForJobRunning, waitForRestore, whenJob } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { FRESH_REST_PROPERTIES } from './harness/fault-timing.js';
import { waitForJobState } from './harness/job-lifecycle.js';
import { waitForCheckpointsAndOutput } from './harness/output-progress.js';
import { harnessRun, runScenario } from './harness/scenario.js';

// Faults during lifecycle operations (#10 part 2): a TaskManager killed
// while Flink stops a job with a savepoint, while it restores one, and while a
// checkpoint is in flight. Each asserts what Flink must do, in its own records:
// - during stop-with-savepoint: the stop fails (the savepoint is not
//   completed) and the job is not FINISHED: it restarts from a checkpoint and
//   a second stop succeeds; or, when the savepoint completed before the kill
//   landed, the job is FINISHED with it (said in the report; the kill of a TM
//   without tasks is then inconclusive by the kill-evidence rule);
// - during a restore: the job restores again, from the same snapshot or a
//   later checkpoint, and runs;
// - during a checkpoint: the job restores the newest completed checkpoint,
//   never an older one (the one in flight only if it completed as the kill landed).
// The oracle judges every window across each. Nightly: each spends about two minutes.

const nightly = harnessRun().settings.tier === 'nightly';
const SPEEDUP = 20;

describe.runIf(nightly)('faults during lifecycle operations', () => {
  test('a TaskManager killed during stop-with-savepoint: the stop fails and the job restarts, or the savepoint completed first', async () => {
    await runScenario('kill-during-stop', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, jobId);
      const generator = s.generator({ mode: 'paced', speedup: SPEEDUP, windows: 30 }).start();
      await waitForCheckpointsAndOutput(s, jobId, 2);

      // The stop is triggered (sent once), then the TaskManager dies before its tasks can acknowledge the savepoint.
      const newestBefore = (await s.cluster.rest.checkpoints(jobId)).latest.completed?.id ?? 0;
      const stop = await stopWithSavepointDuring(s, jobId, () => killTaskManager(s));
      await startTaskManager(s);

      let resumedFrom: string;
      if (!stop.completed) {
        s.extra.lifecycle = { stop: 'failed', cause: stop.failure };
        // Flink must keep the job: not FINISHED, running again from a checkpoint.
        // The job was submitted fresh: any restore it reports came after the kill.
        const restored = await waitForRestore(s, jobId, 0, 'after the failed stop');
        const back = await waitForJobRunning(s, jobId);
        expect(back.state, 'the job after a failed stop').toBe('RUNNING');
        // Nothing older than the newest checkpoint before the stop (a savepoint that completed as the kill landed may be restored).
        expect(restored!.id, 'the restored checkpoint vs the newest before the stop').toBeGreaterThanOrEqual(newestBefore);
        (s.extra.lifecycle as Record<string, unknown>).restored = { id: restored!.id, isSavepoint: restored!.is_savepoint };
        await waitForCheckpointsAndOutput(s, jobId, 2);
        const again = await s.cluster.rest.stopWithSavepoint(jobId, { drain: false });
        resumedFrom = await waitFor(`second savepoint ${again}`, async () => {
          const o = await s.cluster.rest.savepointStatus(jobId, again);
          if (o.status.id !== 'COMPLETED') return undefined;
          if (o.operation?.['failure-cause']) throw new Error(`the second stop failed too: ${o.operation['failure-cause'].class}`);
          return o.operation?.location;
        }, { timeoutMs: 120_000, diagnose: () => s.cluster.diagnose(jobId) });
      } else {
        s.extra.lifecycle = { stop: 'completed before the kill landed', location: stop.location };
        resumedFrom = stop.location;
      }
      await waitForJobState(s.cluster, jobId, 'FINISHED');
      s.extra.resumedFrom = { location: resumedFrom, onHost: hostPathOf(s.cluster, resumedFrom) };
      const second = await submitJob(s, PLAYGROUND_JOB, { via: 'rest', savepoint: resumedFrom });
      await waitForJobRunning(s, second.jobId);
      await generator.done();
      expect(await s.settle(180_000)).toBe(true);
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });

  test('a TaskManager killed during a restore: the job restores again and runs', async () => {
    await runScenario('kill-during-restore', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const first = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, first.jobId);
      const generator = s.generator({ mode: 'paced', speedup: SPEEDUP, windows: 30 }).start();
      await waitForCheckpointsAndOutput(s, first.jobId, 2);
      const stopped = await stopWithSavepoint(s, first.jobId, 'cli');
      await waitForJobState(s.cluster, first.jobId, 'FINISHED');

      const second = await submitJob(s, PLAYGROUND_JOB, { via: 'cli', savepoint: stopped.location });
      // The restore: tasks deployed or initializing (restoring state), not all RUNNING yet.
      const during = await whenJob(s, second.jobId, 'tasks of the resumed job DEPLOYING or INITIALIZING', (j) => {
        const c = j['status-counts'];
        return (c.DEPLOYING ?? 0) + (c.INITIALIZING ?? 0) > 0;
      });
      await killTaskManager(s);
      s.extra.lifecycle = { killedWhile: during['status-counts'] };
      await startTaskManager(s);
      // Restored again: the count passes the restore that was under way at the kill.
      const restored = await waitForRestore(s, second.jobId, 1, 'again after the kill');
      await waitForJobRunning(s, second.jobId);
      s.extra.restoredAfterKill = restored;
      expect(restored, 'restored again after the kill').toBeTruthy();
      await generator.done();
      expect(await s.settle(180_000)).toBe(true);
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });

  test('a TaskManager killed while a checkpoint is in flight: the newest completed checkpoint is restored, the one in flight only if it completed', async () => {
    // Backpressure (the playground's --backpressure job) holds barriers behind data: checkpoints take seconds.
    const job = { ...PLAYGROUND_JOB, backpressure: true };
    await runScenario('kill-during-checkpoint', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const { jobId } = await submitJob(s, job, { via: 'rest' });
      await waitForJobRunning(s, jobId);
      const generator = s.generator({ mode: 'paced', speedup: SPEEDUP, windows: 30 }).start();
      await waitForCheckpointsAndOutput(s, jobId, 1, 180_000);
      const inFlight = await waitFor('a checkpoint in progress', async (seen) => {
        const stats = await s.cluster.rest.checkpoints(jobId);
        seen(`in progress ${stats.counts.in_progress}, latest completed ${stats.latest.completed?.id ?? 'none'}`);
        return stats.counts.in_progress > 0 ? stats : undefined;
      }, { timeoutMs: 60_000, intervalMs: 20 });
      const lastCompleted = inFlight.latest.completed?.id ?? 0;
      const inFlightId = inFlight.history?.find((c) => c.status === 'IN_PROGRESS')?.id;
      await killTaskManager(s);
      await startTaskManager(s);
      // The job may still look RUNNING before Flink notices the kill: wait for the restore it must make.
      const restored = await waitForRestore(s, jobId, inFlight.counts.restored, 'after the kill');
      await waitForJobRunning(s, jobId);
      const fate = (await s.cluster.rest.checkpoints(jobId)).history?.find((c) => c.id === inFlightId)?.status;
      s.extra.lifecycle = { lastCompletedAtKill: lastCompleted, inFlight: inFlightId, inFlightEnded: fate, restored: restored.id };
      // Flink restores the newest completed checkpoint: never older than the newest at the kill, and newer only
      // when the one in flight completed as the kill landed (its acknowledgements already sent).
      expect(restored.id, 'the restored checkpoint vs the newest completed at the kill').toBeGreaterThanOrEqual(lastCompleted);
      if (restored.id > lastCompleted) expect(fate, `checkpoint ${restored.id} restored, newer than ${lastCompleted}: the one in flight must have completed`).toBe('COMPLETED');
      await generator.done();
      expect(await s.settle(240_000)).toBe(true);
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });
});
