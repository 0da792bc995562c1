import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { TransactionLogTally } from '../containers/kafka-transactions.js';
import { withoutAbortedRecords } from './aborted-reads.js';
import type { OutputRecord } from './types.js';

// The judged exactly-once output is what Kafka's log shows committed, whatever
// the reader delivered. Logs are generated as interleaved transactions of a
// few producers (the same producer id across several transactions, as a
// Flink sink's transactional id keeps its id across epochs), each ending in
// COMMIT or ABORT or still open, plus non-transactional records.

type Step = { kind: 'data'; producer: number; records: number } | { kind: 'end'; producer: number; commit: boolean } | { kind: 'plain' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), producer: fc.integer({ min: 1, max: 3 }), records: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('end' as const), producer: fc.integer({ min: 1, max: 3 }), commit: fc.boolean() }),
  fc.record({ kind: fc.constant('plain' as const) }),
);

const controlKey = (commit: boolean) => Buffer.from([0, 0, 0, commit ? 1 : 0]);

describe('output less the records of aborted transactions', () => {
  test('kept = committed and non-transactional records, whatever a leaky reader delivered', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 80 }), (steps, deliveredMask) => {
        const tally = new TransactionLogTally(0, 0n);
        const open = new Map<number, number[]>();
        const fate = new Map<number, 'committed' | 'aborted' | 'open' | 'plain'>();
        let offset = 0;
        for (const s of steps) {
          if (s.kind === 'data') {
            for (let i = 0; i < s.records; i++, offset++) {
              tally.add({ offset: String(offset), key: null, isControlRecord: false, batchContext: { inTransaction: true, producerId: String(s.producer) } });
              open.set(s.producer, [...(open.get(s.producer) ?? []), offset]);
              fate.set(offset, 'open');
            }
          } else if (s.kind === 'plain') {
            tally.add({ offset: String(offset), key: null, isControlRecord: false, batchContext: { inTransaction: false, producerId: '-1' } });
            fate.set(offset++, 'plain');
          } else {
            tally.add({ offset: String(offset++), key: controlKey(s.commit), isControlRecord: true, batchContext: { inTransaction: true, producerId: String(s.producer) } });
            for (const o of open.get(s.producer) ?? []) fate.set(o, s.commit ? 'committed' : 'aborted');
            open.delete(s.producer);
          }
        }
        // A reader that delivers an arbitrary subset of the data records, aborted ones included.
        const delivered: OutputRecord[] = [...fate.keys()].filter((o, i) => deliveredMask[i % Math.max(1, deliveredMask.length)] ?? true).map((o) => ({ partition: 0, offset: String(o), value: null, arrivalMs: 0 }));
        const { kept, aborted } = withoutAbortedRecords(delivered, [tally.result(BigInt(offset))]);
        expect(aborted.map((r) => Number(r.offset))).toEqual(delivered.filter((r) => fate.get(Number(r.offset)) === 'aborted').map((r) => Number(r.offset)));
        expect(kept.every((r) => fate.get(Number(r.offset)) !== 'aborted')).toBe(true);
        expect(kept.length + aborted.length).toBe(delivered.length);
      }),
    );
  });

  test('another partition\'s aborted ranges leave a partition alone', () => {
    const r = (partition: number, offset: string): OutputRecord => ({ partition, offset, value: null, arrivalMs: 0 });
    const { kept, aborted } = withoutAbortedRecords([r(0, '5'), r(1, '5')], [{ partition: 1, abortedRanges: [['5', '10']] }]);
    expect(kept).toEqual([r(0, '5')]);
    expect(aborted).toEqual([r(1, '5')]);
  });

  // Why the reader is not trusted: kafkajs's own filter, fed what the broker
  // sends when two transactions are aborted together, the later-starting one's
  // ABORT first (the fresh-machine run's p0@5 and p0@6-10).
  test('kafkajs 2.2.4 leaks an aborted record when the aborted-transactions list is not sorted by first offset', () => {
    const filter = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages.js') as (a: { messages: unknown[]; abortedTransactions: unknown[] }) => { offset: string }[];
    const data = (offset: string, producerId: string) => ({ offset, key: Buffer.from('k'), batchContext: { producerId, inTransaction: true } });
    const messages = [data('5', '1013'), ...['6', '7', '8', '9', '10'].map((o) => data(o, '1012'))];
    const sorted = filter({ messages, abortedTransactions: [{ firstOffset: '5', producerId: '1013' }, { firstOffset: '6', producerId: '1012' }] });
    const asSent = filter({ messages, abortedTransactions: [{ firstOffset: '6', producerId: '1012' }, { firstOffset: '5', producerId: '1013' }] });
    expect(sorted.map((m) => m.offset)).toEqual([]);
    expect(asSent.map((m) => m.offset)).toEqual(['5']);
  });
});
