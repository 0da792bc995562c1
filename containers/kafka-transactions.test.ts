import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isOpenTransactionState, parseTransactionDescription, parseTransactionList, TransactionLogTally, type DecodedRecord } from './kafka-transactions.js';

// Verbatim output of Kafka 4.1.1's kafka-transactions.sh (TransactionsCommand) against a
// transactional kafkajs producer into `output`: while its transaction was open, then aborted.
const LIST_OPEN =
  'TransactionalId          \tCoordinator\tProducerId\tTransactionState\t\n' +
  'click-event-count-probe-1\t1          \t1         \tOngoing         \t\n';
const DESCRIBE_OPEN =
  'CoordinatorId\tTransactionalId          \tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions  \t\n' +
  '1            \tclick-event-count-probe-1\t1         \t0            \tOngoing         \t60000               \t1796158336945                \t20457                \toutput-1,output-0\t\n';
const DESCRIBE_ABORTED =
  'CoordinatorId\tTransactionalId          \tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions\t\n' +
  '1            \tclick-event-count-probe-1\t1         \t0            \tCompleteAbort   \t60000               \t1796158336945                \t37921                \t               \t\n';

describe("kafka-transactions.sh output", () => {
  test('list: one row per transactional id, with its state', () => {
    expect(parseTransactionList(`[2026] WARN something before the table\n${LIST_OPEN}`)).toEqual([
      { transactionalId: 'click-event-count-probe-1', coordinator: 1, producerId: 1, state: 'Ongoing' },
    ]);
    expect(parseTransactionList('TransactionalId\tCoordinator\tProducerId\tTransactionState\t\n')).toEqual([]);
  });

  test('describe: start time and partitions of an open transaction; none once it ended', () => {
    expect(parseTransactionDescription(DESCRIBE_OPEN)).toEqual({
      transactionalId: 'click-event-count-probe-1', coordinatorId: 1, producerId: 1, producerEpoch: 0, state: 'Ongoing',
      timeoutMs: 60000, startTimeMs: 1796158336945, durationMs: 20457, partitions: ['output-1', 'output-0'],
    });
    expect(parseTransactionDescription(DESCRIBE_ABORTED)).toMatchObject({ state: 'CompleteAbort', partitions: [] });
  });

  test('output without the table is an error that quotes it, not an empty list', () => {
    expect(() => parseTransactionList('Failed to list transactions: Timed out waiting for a node assignment.')).toThrow(/Timed out/);
  });

  test('open states hold the last stable offset back; ended ones do not', () => {
    for (const s of ['Ongoing', 'PrepareCommit', 'PrepareAbort', 'PrepareEpochFence']) expect(isOpenTransactionState(s)).toBe(true);
    for (const s of ['Empty', 'CompleteCommit', 'CompleteAbort', 'Dead']) expect(isOpenTransactionState(s)).toBe(false);
  });
});

/** ControlRecordKey as the broker writes it: version 0, type (0 ABORT, 1 COMMIT). */
const controlKey = (type: number) => Buffer.from([0, 0, 0, type]);

describe('the record batches of a partition, tallied', () => {
  // A log as batches: data batches (transactional or not, of a producer id) and control batches (COMMIT / ABORT markers).
  const batchArb = fc.oneof(
    fc.record({ kind: fc.constant('data' as const), transactional: fc.boolean(), producerId: fc.constantFrom('-1', '3', '4'), records: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('control' as const), transactional: fc.constant(true), producerId: fc.constantFrom('3', '4'), commit: fc.boolean() }),
  );

  test('counts records outside transactions, the transactional producers and the markers', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 12 }), (batches) => {
        const tally = new TransactionLogTally(1, 0n);
        let offset = 0;
        for (const b of batches) {
          const n = b.kind === 'data' ? b.records : 1;
          for (let i = 0; i < n; i++) {
            const r: DecodedRecord = {
              offset: String(offset++),
              key: b.kind === 'control' ? controlKey(b.commit ? 1 : 0) : Buffer.from('k'),
              isControlRecord: b.kind === 'control',
              batchContext: { inTransaction: b.transactional, producerId: b.producerId },
            };
            tally.add(r);
          }
        }
        const data = batches.filter((b) => b.kind === 'data');
        const outside = data.filter((b) => !b.transactional);
        const firstOutside = batches.findIndex((b) => b.kind === 'data' && !b.transactional);
        const offsetOf = (i: number) => batches.slice(0, i).reduce((n, b) => n + (b.kind === 'data' ? b.records : 1), 0);
        const control = batches.filter((b) => b.kind === 'control');
        // The model of read_committed: a producer's transactional records up to its next marker share that marker's fate.
        const open = new Map<string, number[]>();
        const aborted: number[] = [];
        let at = 0;
        for (const b of batches) {
          if (b.kind === 'data') {
            for (let i = 0; i < b.records; i++, at++) if (b.transactional) open.set(b.producerId, [...(open.get(b.producerId) ?? []), at]);
          } else {
            if (!b.commit) aborted.push(...(open.get(b.producerId) ?? []));
            open.delete(b.producerId);
            at++;
          }
        }
        const result = tally.result(BigInt(offset));
        const expanded = (result.abortedRanges ?? []).flatMap(([a, z]) => Array.from({ length: Number(z) - Number(a) + 1 }, (_, i) => Number(a) + i));
        expect(expanded).toEqual(aborted.sort((a, b) => a - b));
        expect(result.openRecords).toBe([...open.values()].reduce((n, o) => n + o.length, 0));
        expect(result).toEqual({
          abortedRanges: result.abortedRanges,
          openRecords: result.openRecords,
          partition: 1,
          from: '0',
          to: String(offset),
          dataRecords: data.reduce((n, b) => n + b.records, 0),
          outsideTransactions: outside.reduce((n, b) => n + b.records, 0),
          ...(firstOutside >= 0 ? { firstOutsideOffset: String(offsetOf(firstOutside)) } : {}),
          transactionalProducers: [...new Set(data.filter((b) => b.transactional).map((b) => b.producerId))].sort(),
          commitMarkers: control.filter((b) => b.commit).length,
          abortMarkers: control.filter((b) => !b.commit).length,
          committingProducers: [...new Set(control.filter((b) => b.commit).map((b) => b.producerId))].sort(),
        });
      }),
    );
  });

  test('a control record with a key of an unknown type is neither a commit nor an abort', () => {
    const tally = new TransactionLogTally(0, 5n);
    tally.add({ offset: '5', key: controlKey(7), isControlRecord: true, batchContext: { inTransaction: true, producerId: '3' } });
    tally.add({ offset: '6', key: null, isControlRecord: true, batchContext: { inTransaction: true, producerId: '3' } });
    expect(tally.result(7n)).toMatchObject({ from: '5', dataRecords: 0, commitMarkers: 0, abortMarkers: 0, committingProducers: [] });
  });
});
