import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import {
  EOS_LSO_CHECK,
  EOS_OPEN_TRANSACTIONS_CHECK,
  EOS_TRANSACTIONAL_OUTPUT_CHECK,
  FENCE_CHECK,
  FENCE_DRAIN_CHECK,
  fenceReasons,
  type PartitionEnd,
  type TransactionalOutputData,
} from '../assertions/fence-evidence.js';
import { LATE_DROPS_METRIC } from '../assertions/late-drops.js';
import { decide } from '../assertions/outcome.js';
import { allTasksRunning, taskCounts } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB, type JobSpec } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import type { HistoryEvent, OraclePolicy } from '../history/types.js';
import { WINDOW_MS } from '../history/types.js';
import { TRANSACTIONAL_ID_PREFIX } from '../config/job-spec.js';
import { fenceAndDrain } from './harness/fence.js';
import { writePhaseOne } from './harness/input-phases.js';
import { windowStartsRead } from './harness/job-lifecycle.js';
import { newestWindowStart } from './harness/output-progress.js';
import { runScenario } from './harness/scenario.js';

// The fence before the final read (scenarios/harness/fence.ts) on a real
// cluster: first shown able to fail (a transaction left open in `output`; a
// record written outside any transaction), then at the end of the
// exactly-once TaskManager-kill run.

type Check = Extract<HistoryEvent, { kind: 'check' }>;
const lastCheck = (events: readonly HistoryEvent[], name: string) =>
  events.filter((e): e is Check => e.kind === 'check' && e.name === name).at(-1);

describe('the fence before the final read', () => {
  test('negative control: a transaction left open in `output` holds the last stable offset below the high watermark and is listed as open; a record written outside any transaction is found', async () => {
    await runScenario('exactly-once-fence-negative-control', { taskManagers: 0, outputIsolation: 'read_committed' }, async (s) => {
      const kafka = s.cluster.kafka.kafka;
      // A writer of the job's transactional-id prefix: one committed record, then a transaction it never ends.
      const producer = kafka.producer({ transactionalId: `${TRANSACTIONAL_ID_PREFIX}-harness-control`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const before = Date.now();
        const committed = await producer.transaction();
        // The producer's own timestamp: the broker must replace it (LogAppendTime).
        await committed.send({ topic: 'output', messages: [{ partition: 0, value: 'committed', timestamp: '5' }] });
        await committed.commit();
        const open = await producer.transaction();
        await open.send({ topic: 'output', messages: [{ partition: 0, value: 'open' }, { partition: 1, value: 'open' }] });

        const fenced = await fenceAndDrain(s, { sink: 'exactly-once', tap: s.tap, lsoDeadlineMs: 3_000 });
        s.extra.fenceWithOpenTransaction = fenced;
        const events = s.history.events;
        expect(lastCheck(events, FENCE_CHECK)).toMatchObject({ ok: true, data: { jobs: [] } });
        // p0: committed record + its commit marker (2), then the open one (3); p1: only the open one.
        const lso = lastCheck(events, EOS_LSO_CHECK)!;
        expect(lso.ok).toBe(false);
        expect(lso.data!.partitions as PartitionEnd[]).toEqual([
          { partition: 0, hwm: '3', lso: '2' },
          { partition: 1, hwm: '1', lso: '0' },
        ]);
        const txns = lastCheck(events, EOS_OPEN_TRANSACTIONS_CHECK)!;
        expect(txns.ok).toBe(false);
        expect(txns.data!.open).toEqual([
          expect.objectContaining({ transactionalId: `${TRANSACTIONAL_ID_PREFIX}-harness-control`, state: 'Ongoing', partitions: expect.arrayContaining(['output-0', 'output-1']) }),
        ]);
        expect((txns.data!.open as { startTimeMs: number }[])[0]!.startTimeMs).toBeGreaterThanOrEqual(before - 5_000);
        // The read_committed reader read what was committed, and no further.
        expect(lastCheck(events, FENCE_DRAIN_CHECK)).toMatchObject({ ok: true });
        expect(s.tap.records.map((r) => [r.partition, r.offset, Buffer.from(r.value!).toString()])).toEqual([[0, '0', 'committed']]);
        // The broker's append time, not the producer's timestamp.
        expect(s.tap.records[0]!.appendMs).toBeGreaterThanOrEqual(before - 5_000);
        expect(s.tap.records[0]!.appendMs).toBeLessThanOrEqual(Date.now() + 5_000);

        const verdict = decide(fenceReasons({ events }, 'exactly-once'));
        s.extra.fenceOutcomeWithOpenTransaction = verdict;
        expect(verdict.outcome).toBe('fail');
        expect(verdict.reasons.filter((r) => r.effect === 'fail').map((r) => r.code).sort()).toEqual(['eos.lingering-transaction', 'eos.lso-below-hwm']);

        // Every record so far in a transaction of the prefix, one of them committed: written transactionally.
        expect(lastCheck(events, EOS_TRANSACTIONAL_OUTPUT_CHECK)).toMatchObject({ ok: true });

        // Once the transaction is aborted, the same checks pass: the control is what made them fail.
        await open.abort();
        s.extra.fenceAfterAbort = await fenceAndDrain(s, { sink: 'exactly-once', tap: s.tap, lsoDeadlineMs: 10_000 });
        expect(decide(fenceReasons({ events: s.history.events }, 'exactly-once')).outcome).toBe('pass');

        // A record without a transaction (what an at-least-once sink writes): p1 holds the aborted record (0), its marker (1), then it (2).
        const plain = kafka.producer({ idempotent: false });
        await plain.connect();
        try {
          await plain.send({ topic: 'output', messages: [{ partition: 1, value: 'no transaction' }] });
        } finally {
          await plain.disconnect().catch(() => undefined);
        }
        s.extra.fenceWithPlainRecord = await fenceAndDrain(s, { sink: 'exactly-once', tap: s.tap, lsoDeadlineMs: 10_000 });
        const written = lastCheck(s.history.events, EOS_TRANSACTIONAL_OUTPUT_CHECK)!;
        expect(written.ok).toBe(false);
        expect((written.data as unknown as TransactionalOutputData).partitions).toEqual([
          expect.objectContaining({ partition: 0, dataRecords: 2, outsideTransactions: 0, commitMarkers: 1, abortMarkers: 1 }),
          expect.objectContaining({ partition: 1, dataRecords: 2, outsideTransactions: 1, firstOutsideOffset: '2', commitMarkers: 0, abortMarkers: 1 }),
        ]);
        const withPlain = decide(fenceReasons({ events: s.history.events }, 'exactly-once'));
        s.extra.fenceOutcomeWithPlainRecord = withPlain;
        expect(withPlain.outcome).toBe('fail');
        expect(withPlain.reasons.filter((r) => r.effect === 'fail').map((r) => r.code)).toEqual(['eos.not-transactional']);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    });
  });

  test('at-least-once playground job, fenced: stopped with a savepoint, every partition read to its high watermark', async () => {
    await runScenario('fence-at-least-once', { outputIsolation: 'read_committed' }, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, jobId);
      const generator = s.generator({ mode: 'fast', windows: 4 });
      generator.start();
      await generator.done();
      expect(await s.settle(120_000), 'all settled windows in output').toBe(true);
      const fenced = await fenceAndDrain(s, { sink: 'at-least-once', tap: s.tap });
      s.extra.fence = fenced;
      console.log(`fence (at-least-once): ${JSON.stringify({ timings: fenced.timings, jobs: fenced.jobs, ends: fenced.ends, late: fenced.lateRecordsDropped })}`);
      expect(fenced.jobs).toEqual([expect.objectContaining({ jobId, how: 'stop-with-savepoint', finalState: 'FINISHED' })]);
      expect(fenced.ends.every((p) => p.lso === p.hwm)).toBe(true);
      expect(decide(fenceReasons({ events: s.history.events }, 'at-least-once')).outcome).toBe('pass');
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });

  const EXACTLY_ONCE_JOB: JobSpec = { checkpointing: true, eventTime: true, exactlyOnce: true };
  const POLICY: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
  const PHASE_1_WINDOWS = 4;

  // The setup of exactly-once.test.ts's TaskManager kill, ending with the fence.
  test('exactly-once TaskManager kill, fenced: job stopped with a savepoint, last stable offset = high watermark, no open transaction', async () => {
    const WINDOWS = 12;
    await runScenario('exactly-once-fence-taskmanager-kill', { outputIsolation: 'read_committed' }, async (s) => {
      const uncommitted = await s.cluster.kafka.tap('output', 'read_uncommitted');
      try {
        const job = await submitJob(s, EXACTLY_ONCE_JOB, { via: 'cli' });
        const jobId = job.jobId;
        await waitForJobRunning(s, jobId);
        const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output, committed');
        expect(windowStartsRead(s.tap)).toEqual([0, 1, 2].map((w) => w * WINDOW_MS));
        generator.resume();
        await waitFor(
          'phase 2 output (uncommitted ahead of committed, or committed)',
          async () => {
            const committed = newestWindowStart(s.tap.records);
            const written = newestWindowStart(uncommitted.records);
            if (written !== null && written > (PHASE_1_WINDOWS - 2) * WINDOW_MS && (committed === null || written > committed)) return true;
            return committed !== null && committed > (PHASE_1_WINDOWS - 2) * WINDOW_MS ? true : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 50, diagnose: () => s.cluster.diagnose(jobId) },
        );
        await killTaskManager(s, 0);
        await waitFor(
          `job ${jobId} to notice the lost TaskManager`,
          async () => (allTasksRunning(await s.cluster.rest.job(jobId)) ? undefined : true),
          { timeoutMs: 60_000, diagnose: () => s.cluster.diagnose(jobId) },
        );
        await startTaskManager(s, 0);
        const running = await waitForJobRunning(s, jobId, 180_000);
        s.history.jobState(jobId, running.state, taskCounts(running));
        await generator.done();
        expect(await s.settle(240_000), 'all windows committed after recovery').toBe(true);

        const fenced = await fenceAndDrain(s, { sink: 'exactly-once', tap: s.tap });
        s.extra.fence = fenced;
        const outcome = decide(fenceReasons({ events: s.history.events }, 'exactly-once'));
        s.extra.fenceOutcome = outcome;
        console.log(`fence: ${JSON.stringify({ timings: fenced.timings, jobs: fenced.jobs, ends: fenced.ends, open: fenced.openTransactions, late: fenced.lateRecordsDropped, log: fenced.transactionLog })}`);
        // Written by the job's transactions: no record outside one, and a commit on every partition the
        // read_committed reader read from (a partition may hold only an aborted transaction: measured once,
        // output-1 with 6 records of one producer and an abort marker after the kill).
        expect(lastCheck(s.history.events, EOS_TRANSACTIONAL_OUTPUT_CHECK)).toMatchObject({ ok: true });
        for (const p of fenced.transactionLog ?? []) {
          expect(p.outsideTransactions, `output-${p.partition} records outside transactions`).toBe(0);
          if (s.tap.records.some((r) => r.partition === p.partition)) expect(p.commitMarkers, `output-${p.partition} commit markers`).toBeGreaterThan(0);
        }
        expect(fenced.jobs).toEqual([expect.objectContaining({ jobId, how: 'stop-with-savepoint', finalState: 'FINISHED' })]);
        expect(s.history.events.filter((e) => e.kind === 'metric' && e.name === LATE_DROPS_METRIC)).toEqual([
          expect.objectContaining({ jobId, vertex: 'ClickEvent Counter', value: 0 }),
        ]);
        expect(outcome.reasons.filter((r) => r.effect !== 'info'), 'the fence found nothing in flight').toEqual([]);
        expect(s.tap.records.every((r) => typeof r.appendMs === 'number')).toBe(true);

        const verdict = await s.judge(POLICY);
        expectVerdictOk(verdict);
        expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
        expect(verdict.summary.duplicateRecords, 'duplicates in committed output').toBe(0);
      } finally {
        await uncommitted.stop();
      }
    });
  });
});
