import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { playgroundFlinkProperties } from '../containers/cluster.js';
import { taskCounts, type JobDetails } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { WaitTimeout, waitFor } from '../containers/wait.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { WINDOW_MS } from '../history/types.js';
import { FRESH_REST_PROPERTIES, killTaskManagerAfterUncheckpointedOutput, windowOf } from './harness/fault-timing.js';
import { newestWindowStart, waitForCheckpointsAndOutput, waitForOutputBeyond } from './harness/output-progress.js';
import { fits, runProfileCells } from './harness/profile-draw.js';
import { runScenario } from './harness/scenario.js';

// Failure and recovery (operation 6 of the playground): kill the TaskManager
// (SIGKILL, as `docker-compose kill taskmanager`) while the job runs with
// checkpoints and event time, watch the JobManager notice it and the job wait
// for slots while the generator writes on, start the TaskManager again and
// check that the job restores from the last completed checkpoint, catches up,
// and loses nothing (at-least-once: identical duplicates allowed).

/** heartbeat.timeout of the playground's configuration: a lost TaskManager is declared dead after it. */
const HEARTBEAT_TIMEOUT_MS = Number(playgroundFlinkProperties()['heartbeat.timeout']);
/** Above the heartbeat timeout: the JobManager's RPCs, a REST poll, a busy 2-core machine. */
const DETECTION_SLACK_MS = 10_000;
/**
 * Event time runs 20x faster than wall time (a window every 0.75 s, ~8000
 * events/s): the ~10 s the TaskManager is down (5 s to notice, ~6 s for a
 * TaskManager JVM to start and register) span 12-16 windows of input, and
 * windows fire often enough that output is rarely covered by a checkpoint.
 */
const SPEEDUP = 20;
/** Tasks waiting for a slot: created, or scheduled with a pending slot request. */
const WAITING_FOR_SLOTS = new Set(['SCHEDULED', 'CREATED']);

function waitingForSlots(job: JobDetails): boolean {
  const counts = taskCounts(job);
  const states = Object.keys(counts);
  return (job.state === 'RUNNING' || job.state === 'RESTARTING') && states.length > 0 && states.every((st) => WAITING_FOR_SLOTS.has(st));
}

describe('failure and recovery', () => {
  // Smoke: one cell, a profile drawn by seed; nightly: one cell per profile the body fits.
  for (const cell of runProfileCells('failure-recovery', fits.defaultScheduler))
  test(`a killed TaskManager is noticed, tasks wait for slots, the job restores from its last checkpoint and no window is lost${cell.title}`, async () => {
    const began = Date.now();
    await runScenario(cell.name, { flinkProperties: FRESH_REST_PROPERTIES, profiles: fits.defaultScheduler, ...(cell.profile ? { profile: cell.profile } : {}) }, async (s) => {
      const { cluster } = s;
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      const running = await waitForJobRunning(s, jobId);
      expect(running.plan.nodes.map((n) => n.description).join(' ')).toMatch(/TumblingEventTimeWindows/);

      const generator = s.generator({ mode: 'paced', speedup: SPEEDUP }).start();
      await waitForCheckpointsAndOutput(s, jobId, 2);

      // Kill right after output that no completed checkpoint covers, so the
      // restore replays it (duplicates likely); if that moment does not come,
      // kill anyway: duplicates are allowed here, not required.
      let kill: { checkpointId?: number; timed: boolean };
      try {
        const timed = await killTaskManagerAfterUncheckpointedOutput(s, jobId, 20_000);
        kill = { checkpointId: timed.checkpointId, timed: true };
      } catch (e) {
        if (!(e instanceof WaitTimeout)) throw e;
        s.history.note(`no moment with uncheckpointed output within 20 s; killing anyway (${e.lastSeen})`);
        await killTaskManager(s);
        kill = { timed: false };
      }
      const killedAt = Date.now();
      const atKill = generator.ledger.snapshot();
      const frontierAtKill = newestWindowStart(s.tap.records);
      s.extra.killTimedAfterUncheckpointedOutput = kill.timed;

      // The JobManager notices within the heartbeat timeout (plus slack): no TaskManager left.
      await waitFor(
        'the JobManager to notice the lost TaskManager (0 registered)',
        async (seen) => {
          const o = await cluster.rest.overview();
          seen(`${o.taskmanagers} TaskManager(s), ${o['slots-total']} slots`);
          return o.taskmanagers === 0 ? true : undefined;
        },
        { timeoutMs: HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS, intervalMs: 100, diagnose: () => cluster.diagnose(jobId) },
      );
      s.extra.detectionMs = Date.now() - killedAt;

      // Its tasks sit in SCHEDULED/CREATED while no slot exists; the job still reads RUNNING or RESTARTING.
      await waitFor(
        'the job to wait for slots (tasks SCHEDULED/CREATED)',
        async (seen) => {
          const job = await cluster.rest.job(jobId);
          seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}`);
          return waitingForSlots(job) ? true : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, diagnose: () => cluster.diagnose(jobId) },
      );

      // The generator keeps writing while the job is down: event time moves on by whole windows.
      await waitFor(
        'the generator to write on while the TaskManager is down',
        async (seen) => {
          const now = generator.ledger.snapshot();
          seen(`${now.total - atKill.total} events, ${now.maxTimestampMs - atKill.maxTimestampMs} ms of event time since the kill`);
          return now.total > atKill.total && now.maxTimestampMs >= atKill.maxTimestampMs + WINDOW_MS ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      // ... and still no slot, the tasks still waiting.
      expect((await cluster.rest.overview()).taskmanagers).toBe(0);
      const down = await cluster.rest.job(jobId);
      expect(waitingForSlots(down), `job ${down.state}, tasks ${JSON.stringify(taskCounts(down))}`).toBe(true);
      // No checkpoint can complete without the tasks: this one is what the job restores.
      const lastCompleted = (await cluster.rest.checkpoints(jobId)).latest.completed;
      expect(lastCompleted, 'a completed checkpoint before the kill').not.toBeNull();
      // Whether the kill beat the next checkpoint, as timed (for the report; the restore check is below).
      s.extra.lastCheckpointAsTimed = kill.checkpointId === undefined ? null : lastCompleted?.id === kill.checkpointId;

      await startTaskManager(s);
      await cluster.waitForTaskManagers(1);
      await waitForJobRunning(s, jobId);
      const recoveredAt = Date.now();
      s.extra.recoveryMs = recoveredAt - killedAt;
      const atRecovery = generator.ledger.snapshot();
      s.extra.windowsWrittenWhileDown = Math.round((atRecovery.maxTimestampMs - atKill.maxTimestampMs) / WINDOW_MS);
      s.extra.eventsWrittenWhileDown = atRecovery.total - atKill.total;

      // Restored from the last completed checkpoint (not a savepoint, not from scratch).
      const stats = await cluster.rest.checkpoints(jobId);
      expect(stats.latest.restored, 'GET /jobs/<id>/checkpoints latest.restored').not.toBeNull();
      expect(stats.latest.restored!.id).toBe(lastCompleted!.id);
      expect(stats.latest.restored!.is_savepoint).toBe(false);
      expect(stats.counts.restored).toBeGreaterThanOrEqual(1);
      s.extra.restoredCheckpoint = stats.latest.restored!.id;

      // Catches up: output reaches the windows written while it was down.
      const target = windowOf(atRecovery.maxTimestampMs) - 2 * WINDOW_MS;
      await waitForOutputBeyond(s, Math.max(target, frontierAtKill ?? -1));
      s.extra.outputCaughtUpMs = Date.now() - recoveredAt;

      await generator.stop();
      expect(await s.settle()).toBe(true);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      s.extra.startToVerdictMs = Date.now() - began;
      s.extra.duplicates = verdict.summary.byKind['identical-duplicate'];
      s.extra.duplicateRecords = verdict.summary.duplicateRecords;
      expectVerdictOk(verdict);
      // Every window before, during and after the outage was judged.
      expect(verdict.summary.expectedKeys).toBeGreaterThanOrEqual(6 * (Number(s.extra.windowsWrittenWhileDown) + 2));
    });
  });
});
