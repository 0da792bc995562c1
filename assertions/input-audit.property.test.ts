import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../history/types.js';
import { INPUT_AUDIT_CHECK, inputAuditReasons, type InputAuditData } from './input-audit.js';
import { decide } from './outcome.js';

// The ledger is the oracle's expectation only while the input topic holds
// exactly what it counts: any partition whose end is not start + written
// makes the run inconclusive (never a pass, never a Flink failure).

const check = (data: InputAuditData | Record<string, unknown>): HistoryEvent => ({ t: 1, kind: 'check', name: INPUT_AUDIT_CHECK, ok: true, detail: '', data: data as Record<string, unknown> });

const partition = fc.record({ partition: fc.nat(7), start: fc.bigInt(0n, 10n ** 12n), written: fc.nat(10_000_000), delta: fc.oneof(fc.constant(0n), fc.bigInt(-1000n, 1000n)) });

describe('input audit', () => {
  test('inconclusive exactly when a partition ends elsewhere than start + written; the check\'s ok is not trusted', () => {
    fc.assert(
      fc.property(fc.array(partition, { minLength: 1, maxLength: 6 }), fc.nat(3), (parts, recoveries) => {
        const data: InputAuditData = {
          topic: 'input',
          recoveries,
          partitions: parts.map((p) => ({ partition: p.partition, start: String(p.start), written: p.written, end: String(p.start + BigInt(p.written) + p.delta) })),
        };
        const reasons = inputAuditReasons({ events: [check(data)] }, true);
        const off = parts.filter((p) => p.delta !== 0n);
        const mismatch = reasons.find((r) => r.code === 'workload.input-mismatch');
        expect(mismatch !== undefined).toBe(off.length > 0);
        if (mismatch) {
          expect(mismatch.effect).toBe('inconclusive');
          expect((mismatch.evidence!.partitions as unknown[]).length).toBe(off.length);
          expect(mismatch.message).toMatch(off.some((p) => p.delta < 0n) ? /acknowledged records lost/ : /records the ledger does not count/);
        }
        expect(decide(reasons).outcome).toBe(off.length > 0 ? 'inconclusive' : 'pass');
        expect(reasons.some((r) => r.code === 'workload.send-recovered')).toBe(recoveries > 0);
      }),
    );
  });

  test('a judged run without an audit, with an unreadable topic, or with no partition is inconclusive; an unjudged one needs none', () => {
    expect(decide(inputAuditReasons({ events: [] }, true)).outcome).toBe('inconclusive');
    expect(inputAuditReasons({ events: [] }, false)).toEqual([]);
    expect(inputAuditReasons({ events: [check({ topic: 'input', recoveries: 0, partitions: [], error: 'broker down' })] }, true)[0]).toMatchObject({ code: 'workload.input-unaudited', effect: 'inconclusive' });
    expect(inputAuditReasons({ events: [check({ topic: 'input', recoveries: 0, partitions: [] })] }, true)[0]?.effect).toBe('inconclusive');
    expect(inputAuditReasons({ events: [check({ topic: 'input', partitions: [{ partition: 0, start: 'x', written: 1, end: '1' }] })] }, true)[0]?.code).toBe('workload.input-unaudited');
  });

  test('the last audit counts', () => {
    const bad: InputAuditData = { topic: 'input', recoveries: 0, partitions: [{ partition: 0, start: '0', written: 10, end: '9' }] };
    const good: InputAuditData = { topic: 'input', recoveries: 0, partitions: [{ partition: 0, start: '0', written: 10, end: '10' }] };
    expect(decide(inputAuditReasons({ events: [check(bad), { ...check(good), t: 2 }] }, true)).outcome).toBe('pass');
  });
});
