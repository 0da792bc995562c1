import { describe, expect, test } from 'vitest';
import { expectVerdictFails, expectVerdictOk } from '../assertions/expect-verdict.js';
import { FlinkRestError, type JobDetails } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB, type JobSpec } from '../config/job-spec.js';
import { sleep, waitFor } from '../containers/wait.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { PAGES, WINDOW_MS } from '../history/types.js';
import type { ScenarioOutcome } from '../assertions/outcome.js';
import { encodeClick } from '../workload/click-event.js';
import {
  committedOffsets,
  eventTimeAtOffset,
  FRESH_REST_PROPERTIES,
  killTaskManagerAfterUncheckpointedOutput,
  windowOf,
} from './harness/fault-timing.js';
import { identicalDuplicateRecords, waitForCheckpointsAndOutput, waitForOutputBeyond, windowStartsIn } from './harness/output-progress.js';
import { runScenario, type Scenario } from './harness/scenario.js';
import { runVariants } from './harness/variant-draw.js';

// Negative controls: runs in which the playground itself says the result is
// wrong, so the oracle must say so too. A checker that passes these is blind.
// Each control is built so that the wrong result is certain, not likely, and
// each also checks that the job really ran the variant it stands for.

/** The job's consumer group (ClickEventCount.DEFAULT_GROUP_ID). */
const GROUP_ID = 'click-event-count';

const windowAssigners = (job: JobDetails) => job.plan.nodes.map((n) => n.description).join(' ');

/** Waits until the JobManager has declared the killed TaskManager lost, starts it again and waits for the job to run. */
async function restartTaskManagerAfterDetection(s: Scenario, jobId: string): Promise<void> {
  await s.cluster.waitForTaskManagers(0, { timeoutMs: 30_000 });
  await startTaskManager(s);
  await s.cluster.waitForTaskManagers(1);
  await waitForJobRunning(s, jobId);
}

// Smoke: one control, drawn by seed; nightly: all four.
const controls = runVariants('negative-controls', ['a', 'b', 'c', 'd']);

describe('negative controls', () => {
  test.runIf(controls.has('a'))('(a) without --checkpointing, a TaskManager failure loses the window the job held', async () => {
    await runScenario('no-checkpointing-loss', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const spec: JobSpec = { checkpointing: false, eventTime: true };
      const { jobId } = await submitJob(s, spec, { via: 'rest' });
      const job = await waitForJobRunning(s, jobId);
      expect(windowAssigners(job)).toMatch(/TumblingEventTimeWindows/);

      // Event time 3x wall time: a window every 5 s, the consumer's offsets auto-committed every second.
      const generator = s.generator({ mode: 'paced', speedup: 3 }).start();

      // The moment to kill: the consumer group's committed positions (what a
      // restart without a checkpoint resumes from) lie inside window w, and
      // the generator has not yet written what closes w. The events of w
      // before those positions exist only in the window state on the
      // TaskManager: the kill loses them, the restart does not read them
      // again, and w fires short, as the playground warns. Certain, not likely.
      const held = await waitFor(
        'committed input positions inside a window the job has not fired yet',
        async (seen) => {
          const ledger = generator.ledger.snapshot();
          const w = windowOf(ledger.maxTimestampMs);
          const committed = await committedOffsets(s.cluster, GROUP_ID, 'input');
          const positions = [0, 1].map((p) => {
            const offset = committed.get(p) ?? -1;
            return offset < 0 ? null : eventTimeAtOffset(offset, p, 2);
          });
          seen(`generator at ${ledger.maxTimestampMs} ms event time (window ${w}), committed positions at ${positions.join(', ')} ms`);
          if (w < WINDOW_MS) return undefined; // one whole window first: the loss is mid-stream
          // Leave 3 s of event time (1 s of wall time) before anything can close w.
          if (ledger.maxTimestampMs > w + WINDOW_MS - 3_000) return undefined;
          // At least 1 s of w's event time (~67 events per page) behind the committed position on each partition.
          const inside = positions.every((t) => t !== null && t >= w + 1_000 && t < w + WINDOW_MS);
          return inside ? { windowStart: w, positions: positions as number[] } : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 50, diagnose: () => s.cluster.diagnose(jobId) },
      );
      await killTaskManager(s);
      s.extra.lostWindow = held.windowStart;
      s.extra.committedPositionsAtKill = held.positions;

      await restartTaskManagerAfterDetection(s, jobId);
      // More input follows the restart; wait until the job fired the window it lost and the next one.
      await waitForOutputBeyond(s, held.windowStart);
      await generator.stop();
      const settled = await s.settle(30_000);
      s.extra.settled = settled;
      if (!settled) await s.tap.drain(await s.cluster.kafka.endOffsets('output'), { timeoutMs: 30_000 });

      // The job really ran without checkpoints.
      const stats = await s.cluster.rest.checkpoints(jobId).catch((e: unknown) => e);
      if (stats instanceof FlinkRestError) expect(stats.status).toBe(404);
      else expect((stats as Awaited<ReturnType<typeof s.cluster.rest.checkpoints>>).counts.completed).toBe(0);

      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' }, { expect: 'fail' });
      expectVerdictFails(verdict, ['missing', 'wrong-count']);
      // ... and where the control predicts: the window the killed TaskManager held.
      const lost = verdict.problems.filter((p) => (p.kind === 'missing' || p.kind === 'wrong-count') && p.windowStart === held.windowStart);
      expect(lost.length, `missing or short counts for window ${held.windowStart}`).toBeGreaterThan(0);
      s.extra.lostKeys = lost.length;
    });
  });

  test.runIf(controls.has('b'))('(b) without --event-time, windows follow the wall clock: counts are not 1000, yet every event is counted once', async () => {
    await runScenario('processing-time-windows', {}, async (s) => {
      const spec: JobSpec = { checkpointing: true, eventTime: false };
      const { jobId } = await submitJob(s, spec, { via: 'rest' });
      const job = await waitForJobRunning(s, jobId);
      expect(windowAssigners(job)).toMatch(/TumblingProcessingTimeWindows/);

      // Event time starts at the current 15 s boundary of the wall clock and
      // runs 10x faster, so the processing-time windows (epoch-aligned, like
      // event-time windows) share their starts with fed event-time windows:
      // the event-time policy compares their counts (wrong-count) instead of
      // merely not knowing the windows.
      const startMs = windowOf(Date.now());
      const generator = s.generator({ mode: 'paced', speedup: 10, startMs }).start();
      // Write until two processing-time windows fired: the second one spans
      // 15 s of wall-clock input (~10000 events per page, not 1000).
      await waitFor(
        'two processing-time windows in output',
        async (seen) => {
          const starts = windowStartsIn(s.tap.records);
          seen(`${starts.length} window(s) in output`);
          return starts.length >= 2 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, diagnose: () => s.cluster.diagnose(jobId) },
      );
      await generator.stop();

      // Conservation needs every processing-time window that holds input to
      // have fired: wait until the job consumed all input (offsets committed
      // on checkpoints reach the topic's end), then past the next 15 s
      // boundary of the wall clock (+ slack), then read `output` to its end.
      const inputEnd = await s.cluster.kafka.endOffsets('input');
      const consumedAt = await waitFor(
        'the job to consume all input',
        async (seen) => {
          const committed = await committedOffsets(s.cluster, GROUP_ID, 'input');
          seen(`committed ${[...committed].map(([p, o]) => `p${p}=${o}`).join(' ')}, end ${[...inputEnd].map(([p, o]) => `p${p}=${o}`).join(' ')}`);
          return [...inputEnd].every(([p, end]) => BigInt(committed.get(p) ?? -1) >= end) ? Date.now() : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, diagnose: () => s.cluster.diagnose(jobId) },
      );
      const lastWindowCloses = windowOf(consumedAt + 1_000) + WINDOW_MS;
      await sleep(Math.max(0, lastWindowCloses + 3_000 - Date.now()));
      await s.tap.drain(await s.cluster.kafka.endOffsets('output'), { timeoutMs: 30_000 });
      s.extra.processingTimeWindows = windowStartsIn(s.tap.records).length;

      // The same history, judged twice.
      const eventTime = await s.judge({ sink: 'at-least-once', time: 'event-time' }, { expect: 'fail' });
      expectVerdictFails(eventTime, ['wrong-count']);
      s.extra.eventTimeWrongCounts = eventTime.summary.byKind['wrong-count'];
      // The job ran with checkpoints (only --event-time left out).
      expect((await s.cluster.rest.checkpoints(jobId)).counts.completed).toBeGreaterThan(0);
      const processingTime = await s.judge({ sink: 'at-least-once', time: 'processing-time' });
      expectVerdictOk(processingTime);
      expect(processingTime.summary.expectedKeys).toBe(6);
    });
  });

  test.runIf(controls.has('c'))('(c) the exactly-once policy rejects what an at-least-once recovery wrote twice', async () => {
    await runScenario('exactly-once-policy-control', { flinkProperties: FRESH_REST_PROPERTIES }, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, jobId);
      // 20x: a window fires every 0.75 s, so output not yet covered by a checkpoint is frequent.
      const generator = s.generator({ mode: 'paced', speedup: 20 }).start();
      await waitForCheckpointsAndOutput(s, jobId, 2);

      // Kill right after output no completed checkpoint covers: the restore
      // fires those windows again. The timing rests on the tap's latency, so
      // check that duplicates did appear and, if not, fault again (bounded).
      const MAX_ATTEMPTS = 3;
      let attempts = 0;
      let duplicates = 0;
      while (duplicates === 0 && attempts < MAX_ATTEMPTS) {
        attempts++;
        const restoredBefore = (await s.cluster.rest.checkpoints(jobId)).counts.restored;
        const kill = await killTaskManagerAfterUncheckpointedOutput(s, jobId);
        // Start it again at once (the JobManager still notices the loss by heartbeat meanwhile).
        await waitFor('the killed TaskManager container to stop', async () => ((await s.cluster.taskManagers[0]!.isRunning()) ? undefined : true), {
          timeoutMs: 10_000,
          intervalMs: 50,
        });
        await startTaskManager(s);
        await waitFor(
          'the job to restore from a checkpoint',
          async (seen) => {
            const counts = (await s.cluster.rest.checkpoints(jobId)).counts;
            seen(`${counts.restored} restore(s)`);
            return counts.restored > restoredBefore ? true : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 200, diagnose: () => s.cluster.diagnose(jobId) },
        );
        await waitForJobRunning(s, jobId);
        await waitForOutputBeyond(s, kill.newestWindow);
        duplicates = identicalDuplicateRecords(s.tap.records);
        s.history.note(`attempt ${attempts}: killed after checkpoint ${kill.checkpointId}; ${duplicates} identical duplicate record(s) so far`);
      }
      s.extra.attempts = attempts;
      s.extra.duplicateRecordsBeforeJudging = duplicates;
      expect(duplicates, `identical duplicates after ${attempts} timed TaskManager kill(s)`).toBeGreaterThan(0);

      await generator.stop();
      expect(await s.settle()).toBe(true);
      // The run is right for its sink: at-least-once tolerates the replays ...
      const atLeastOnce = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(atLeastOnce);
      expect(atLeastOnce.summary.byKind['identical-duplicate']).toBeGreaterThan(0);
      // ... and the exactly-once policy fails it, for the duplicates and nothing else.
      const exactlyOnce = await s.judge({ sink: 'exactly-once', time: 'event-time' }, { expect: 'fail' });
      expectVerdictFails(exactlyOnce, ['identical-duplicate']);
      expect(exactlyOnce.problems.filter((p) => p.severity === 'failure').map((p) => p.kind)).toEqual(
        Array(exactlyOnce.summary.bySeverity.failure).fill('identical-duplicate'),
      );
    });
  });

  test.runIf(controls.has('d'))('(d) a record the generator did not write: the input audit makes the run inconclusive, never a Flink failure', async () => {
    let outcome: ScenarioOutcome | undefined;
    await runScenario('input-audit-control', { expectInconclusive: 'workload.input-mismatch', onOutcome: (o) => void (outcome = o) }, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, jobId);
      // Two windows, then a hold: a valid click the ledger does not count goes
      // into the third window, ahead of the watermark, so the job counts it.
      const WINDOWS = 4;
      const generator = s.generator({ mode: 'fast', windows: WINDOWS, pauseAfterWindows: [2] });
      await generator.paused();
      const stray = { timestamp: generator.startMs + 2 * WINDOW_MS + 7, page: PAGES[0] };
      const producer = s.cluster.kafka.kafka.producer();
      await producer.connect();
      try {
        await producer.send({ topic: 'input', messages: [{ value: encodeClick(stray), partition: 0 }] });
      } finally {
        await producer.disconnect();
      }
      s.history.note(`wrote one click the generator does not know: ${encodeClick(stray)} to input-0`);
      generator.resume();
      await generator.done();
      expect(await s.settle(120_000)).toBe(true);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      // The oracle sees the stray (1001 for that window and page), and nothing else ...
      const failures = verdict.problems.filter((p) => p.severity === 'failure');
      expect(failures.map((p) => ('windowStart' in p && 'page' in p ? [p.kind, p.windowStart, p.page] : [p.kind]))).toEqual([['wrong-count', generator.startMs + 2 * WINDOW_MS, stray.page]]);
      s.extra.strayRecord = stray;
    });
    // ... and the audit, not the oracle, decides: inconclusive (the control's pass), with the partition that differs.
    const reasons = outcome?.reasons ?? [];
    expect(outcome?.outcome).toBe('pass');
    const mismatch = reasons.find((r) => r.code === 'workload.input-mismatch');
    expect(mismatch?.evidence?.partitions).toEqual([{ partition: 0, expected: expect.any(String), end: expect.any(String) }]);
    const p0 = (mismatch!.evidence!.partitions as { expected: string; end: string }[])[0]!;
    expect(BigInt(p0.end) - BigInt(p0.expected)).toBe(1n);
    expect(reasons.find((r) => r.code === 'oracle.wrong-count')?.evidence?.demotedBy).toBe('workload.input-mismatch');
  });
});
