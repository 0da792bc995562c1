import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import type { CheckpointStats } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB, type JobSpec } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { stopWithSavepoint, submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { OutputCoverage } from '../history/output-coverage.js';
import { WINDOW_MS } from '../history/types.js';
import type { ClickGenerator } from '../workload/click-generator.js';
import { scaleNamed } from '../workload/scale.js';
import { FRESH_REST_PROPERTIES } from './harness/fault-timing.js';
import { folderContents, restoredFrom, vertexParallelism, waitForJobState } from './harness/job-lifecycle.js';
import { runScenario, type Scenario } from './harness/scenario.js';

// failure-recovery and rescale at a real job's scale (workload scale `large`):
// 100,000 pages, so the window operator's keys fill all 128 key groups, and
// 1,100 bytes of keyed state per page (the job's --state-padding-bytes), so
// every checkpoint and savepoint holds over 100 MB. The oracle judges every
// one of the 100,000 pages in every window, as it judges the playground's six.
// The playground scenarios keep the playground's 6 pages x 1000 clicks.
//
// Nightly only: each takes minutes and most of the machine.

const LARGE = scaleNamed('large');
const SCALE_JOB: JobSpec = { ...PLAYGROUND_JOB, statePaddingBytes: LARGE.statePaddingBytes };
/** What "large" promises a checkpoint holds. */
const LARGE_STATE_BYTES = 100 * 2 ** 20;
/** Events per produce request: kafkajs's fastest measured (bigger requests were slower: bin/bench-throughput.ts). */
const BATCH = 2_000;

describe.runIf(process.env.HARNESS_TIER === 'nightly')('at a real job\'s scale: 100,000 pages, checkpoints over 100 MB (nightly)', () => {
  test('failure and recovery: a TaskManager killed with 100 MB of keyed state, the job restores its last checkpoint and no page of any window is lost', async () => {
    await runScenario('scale-failure-recovery', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const { jobId } = await submitJob(s, SCALE_JOB, { via: 'rest', parallelism: 2 });
      await waitForJobRunning(s, jobId);
      // Paced: event time as wall time at most, a window of 200,000 events every 15 s (~13,000 events/s).
      const generator = s.generator({ mode: 'paced', shape: LARGE.shape, batchSize: BATCH }).start();

      // Every page's state is padded once its first window fired: wait for a checkpoint that holds it.
      const large = await waitForLargeCheckpoint(s, jobId, 240_000);
      recordCheckpoint(s, 'checkpointBeforeKill', large);

      await killTaskManager(s);
      const killedAt = Date.now();
      const atKill = generator.ledger.progress();
      await waitFor(
        'the JobManager to notice the lost TaskManager (0 registered)',
        async (seen) => {
          const o = await s.cluster.rest.overview();
          seen(`${o.taskmanagers} TaskManager(s)`);
          return o.taskmanagers === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, diagnose: () => s.cluster.diagnose(jobId) },
      );
      s.extra.detectionMs = Date.now() - killedAt;
      // The generator writes on while the job is down, a whole window at least.
      await waitForEventTime(generator, atKill.maxTimestampMs + WINDOW_MS, 60_000);
      const lastCompleted = (await s.cluster.rest.checkpoints(jobId)).latest.completed;
      expect(lastCompleted, 'a completed checkpoint before the kill').not.toBeNull();

      await startTaskManager(s);
      await s.cluster.waitForTaskManagers(1);
      await waitForJobRunning(s, jobId, 240_000);
      s.extra.recoveryMs = Date.now() - killedAt;
      const stats = await s.cluster.rest.checkpoints(jobId);
      expect(stats.latest.restored?.id, 'restored the last completed checkpoint').toBe(lastCompleted!.id);
      expect(stats.latest.restored?.is_savepoint).toBe(false);
      s.extra.eventsWrittenWhileDown = generator.ledger.progress().total - atKill.total;

      // A checkpoint after the restore holds the padded state again.
      recordCheckpoint(s, 'checkpointAfterRestore', await waitForLargeCheckpoint(s, jobId, 240_000, lastCompleted!.id));
      await generator.stop();
      await judgeAtScale(s, generator, 2);
    });
  });

  test('rescale 1 -> 2 from a savepoint of over 100 MB: key groups move between subtasks and every page of every window counts', async () => {
    await runScenario('scale-rescale', { taskManagers: 1 }, async (s) => {
      // Five windows (1,000,000 events): three written at parallelism 1, two while stopped, read at 2.
      // With 2 clicks per page per window each partition holds one tick a window, so
      // the watermark closes window w only once both partitions are past w + 1: after
      // three windows, window 0 has fired for every page (its state padded), the others wait.
      const generator = s.generator({ mode: 'fast', windows: 5, pauseAfterWindows: [3], shape: LARGE.shape, batchSize: BATCH });
      const p1 = await submitJob(s, SCALE_JOB, { via: 'rest', parallelism: 1 });
      await waitForJobRunning(s, p1.jobId);
      generator.start();
      await generator.paused();
      await waitForCoverage(s, generator, 300_000);
      recordCheckpoint(s, 'checkpointAtParallelism1', await waitForLargeCheckpoint(s, p1.jobId, 240_000));
      const savepointStarted = Date.now();
      const sp = await stopWithSavepoint(s, p1.jobId, 'rest');
      s.extra.savepointMs = Date.now() - savepointStarted;
      await waitForJobState(s.cluster, p1.jobId, 'FINISHED');
      s.extra.savepoint = sp.location;
      s.extra.savepointBytes = (await folderContents(sp.hostPath)).bytes;
      expect(s.extra.savepointBytes as number, 'the savepoint holds the padded state').toBeGreaterThan(LARGE_STATE_BYTES);

      generator.resume();
      await generator.done(); // windows 2-3 and the closing events, while no job runs
      const p2 = await submitJob(s, SCALE_JOB, { via: 'rest', savepoint: sp.location, parallelism: 2 });
      const running = await waitForJobRunning(s, p2.jobId, 240_000);
      s.extra.parallelismAfter = vertexParallelism(running);
      expect(new Set(running.vertices.map((v) => v.parallelism))).toEqual(new Set([2]));
      expect(await restoredFrom(s.cluster, p2.jobId)).toEqual({ isSavepoint: true, path: sp.location });
      recordCheckpoint(s, 'checkpointAtParallelism2', await waitForLargeCheckpoint(s, p2.jobId, 240_000));
      await judgeAtScale(s, generator, 4);
    });
  });
});

type Completed = NonNullable<CheckpointStats['latest']['completed']>;

/** Waits (bounded) for a completed checkpoint whose full state holds the padded pages (state_size over 100 MB). */
async function waitForLargeCheckpoint(s: Scenario, jobId: string, timeoutMs: number, after = -1): Promise<Completed> {
  return waitFor(
    `a completed checkpoint over ${LARGE_STATE_BYTES / 2 ** 20} MiB${after >= 0 ? ` after checkpoint ${after}` : ''}`,
    async (seen) => {
      const c = (await s.cluster.rest.checkpoints(jobId)).latest.completed;
      seen(c ? `checkpoint ${c.id}: state ${mib(c.state_size)}, checkpointed ${mib(c.checkpointed_size)}` : 'no completed checkpoint');
      return c && c.id > after && (c.state_size ?? 0) > LARGE_STATE_BYTES ? c : undefined;
    },
    { timeoutMs, intervalMs: 1_000, diagnose: () => s.cluster.diagnose(jobId) },
  );
}

function recordCheckpoint(s: Scenario, name: string, c: Completed): void {
  s.extra[name] = { id: c.id, stateBytes: c.state_size, checkpointedBytes: c.checkpointed_size };
  s.history.note(`${name}: checkpoint ${c.id}, state ${mib(c.state_size)}, checkpointed ${mib(c.checkpointed_size)}`);
}

async function waitForEventTime(generator: ClickGenerator, eventMs: number, timeoutMs: number): Promise<void> {
  await waitFor(
    `the generator to write event time up to ${eventMs}`,
    async (seen) => {
      const p = generator.ledger.progress();
      seen(`${p.total} events, event time ${p.maxTimestampMs}`);
      return p.maxTimestampMs >= eventMs ? true : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Waits until every settled window x page is in the output, decoding each record once (s.settle re-reads all). */
async function waitForCoverage(s: Scenario, generator: ClickGenerator, timeoutMs: number): Promise<void> {
  const coverage = new OutputCoverage(generator.ledger.snapshot());
  await waitFor(
    `output for all ${coverage.expected} settled window x page keys`,
    async (seen) => {
      coverage.read(s.tap.records);
      seen(`${coverage.seen}/${coverage.expected} keys present${coverage.complete() ? '' : `, first missing ${coverage.firstMissing()}`}`);
      return coverage.complete() ? true : undefined;
    },
    { timeoutMs, intervalMs: 1_000, diagnose: () => s.cluster.diagnose() },
  );
}

/** The scale scenarios' end: all output read, then the oracle over every page of every window. */
async function judgeAtScale(s: Scenario, generator: ClickGenerator, windowsAtLeast: number): Promise<void> {
  await waitForCoverage(s, generator, 300_000);
  expect(await s.settle(300_000)).toBe(true);
  const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
  s.extra.outputRecords = verdict.summary.records;
  s.extra.duplicateRecords = verdict.summary.duplicateRecords;
  expectVerdictOk(verdict);
  expect(verdict.summary.expectedKeys).toBeGreaterThanOrEqual(LARGE.shape.keys * windowsAtLeast);
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
