import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent, OutputRecord } from '../history/types.js';
import { FENCE_DRAIN_CHECK } from './fence-evidence.js';
import { transactionalOutputReasons } from './transactional-output.js';

const drain = (hwm: number[]): HistoryEvent => ({
  t: 1,
  kind: 'check',
  name: FENCE_DRAIN_CHECK,
  ok: true,
  detail: '',
  data: { partitions: hwm.map((h, partition) => ({ partition, hwm: String(h), lso: String(h), read: String(h) })) },
});
const records = (perPartition: number[]): OutputRecord[] =>
  perPartition.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, offset: String(i), value: null, arrivalMs: 0 })));

describe('exactly-once output written in transactions', () => {
  test('records without markers (high watermark = records) fail; markers beyond them pass', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(5), { minLength: 4, maxLength: 4 }), (counts, markers) => {
        const hwm = counts.map((n, i) => n + markers[i]!);
        const reasons = transactionalOutputReasons({ events: [drain(hwm)], output: records(counts) }, 'exactly-once');
        const bare = counts.some((n, i) => n > 0 && markers[i] === 0);
        const any = counts.some((n) => n > 0);
        expect(reasons.some((r) => r.code === 'eos.not-transactional' && r.effect === 'fail')).toBe(bare);
        if (!bare && any) expect(reasons.map((r) => r.effect)).toEqual(['info']);
      }),
    );
  });

  test('not asked of an at-least-once run, nor without a drain check', () => {
    expect(transactionalOutputReasons({ events: [drain([3])], output: records([3]) }, 'at-least-once')).toEqual([]);
    expect(transactionalOutputReasons({ events: [], output: records([3]) }, 'exactly-once')).toEqual([]);
  });
});
