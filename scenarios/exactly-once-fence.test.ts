import { describe, expect, test } from 'vitest';
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
import { decide } from '../assertions/outcome.js';
import { TRANSACTIONAL_ID_PREFIX } from '../config/job-spec.js';
import type { HistoryEvent } from '../history/types.js';
import { fenceAndDrain } from './harness/fence.js';
import { runScenario } from './harness/scenario.js';

// The fence before the final read (scenarios/harness/fence.ts) on a real
// cluster, shown able to fail: a transaction left open in `output`, and a
// record written outside any transaction. Every scenario's judge fences; the
// clean fence is asserted at the end of playground.test.ts (at-least-once) and
// of exactly-once.test.ts's TaskManager kill.

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
});
