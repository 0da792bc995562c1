import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PAGES, WINDOW_MS, type GeneratorLedger, type OraclePolicy } from '../history/types.js';
import { judge } from './oracle.js';
import { brokenFieldArb, ledgerArb, permutationArb, spreadArbOf } from './test-support/arbitraries.js';
import { correctPayloads, encodeValue, sameKey, toRecords, type Payload } from './test-support/clicks.js';
import { QUIET_RUN } from './test-support/runs.js';
import type { Problem, Verdict } from './verdict.js';

const AT_LEAST_ONCE: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };
const EXACTLY_ONCE: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
const failures = (v: Verdict): Problem[] => v.problems.filter((p) => p.severity === 'failure');

/** A correct output in any order, with any records repeated (what replay produces). */
const replayedArb = ledgerArb.chain((ledger) => {
  const correct = correctPayloads(ledger);
  return fc
    .array(fc.nat({ max: correct.length - 1 }), { maxLength: 10 })
    .chain((repeat) => permutationArb([...correct, ...repeat.map((i) => correct[i])]))
    .map((payloads) => ({ ledger, payloads }));
});

function keyText(p: Payload): string {
  return `${p.windowStart}|${p.page}`;
}

function duplicatedKeyCount(payloads: readonly Payload[]): number {
  const copies = new Map<string, number>();
  for (const p of payloads) copies.set(keyText(p), (copies.get(keyText(p)) ?? 0) + 1);
  return [...copies.values()].filter((n) => n > 1).length;
}

describe('oracle properties (event time)', () => {
  test('any order with identical duplicates passes at-least-once; exactly-once fails iff a duplicate exists', () => {
    fc.assert(
      fc.property(replayedArb, ({ ledger, payloads }) => {
        const output = toRecords(payloads);
        const duplicated = duplicatedKeyCount(payloads);
        const alo = judge(ledger, output, AT_LEAST_ONCE);
        expect(alo.ok).toBe(true);
        expect(alo.summary.byKind['identical-duplicate']).toBe(duplicated);
        expect(alo.summary.duplicateRecords).toBe(payloads.length - correctPayloads(ledger).length);
        // Judged without a history, the tolerance is granted but not vouched for.
        expect(alo.summary.byKind['not-judged']).toBe(duplicated > 0 ? 1 : 0);

        const eo = judge(ledger, output, EXACTLY_ONCE);
        expect(eo.ok).toBe(duplicated === 0);
        expect(failures(eo)).toHaveLength(duplicated);
        expect(failures(eo).every((p) => p.kind === 'identical-duplicate')).toBe(true);
      }),
    );
  });

  test('dropping a record reports missing at exactly that key, unless another copy survives', () => {
    const arb = replayedArb.chain((s) => fc.nat({ max: s.payloads.length - 1 }).map((drop) => ({ ...s, drop })));
    fc.assert(
      fc.property(arb, ({ ledger, payloads, drop }) => {
        const dropped = payloads[drop];
        const kept = payloads.filter((_, i) => i !== drop);
        const survives = kept.some((p) => sameKey(p, dropped));
        const v = judge(ledger, toRecords(kept), AT_LEAST_ONCE);
        const missing = v.problems.filter((p) => p.kind === 'missing');
        if (survives) {
          expect(v.ok).toBe(true);
          expect(missing).toEqual([]);
        } else {
          expect(failures(v)).toEqual([
            { kind: 'missing', severity: 'failure', windowStart: dropped.windowStart, page: dropped.page, expected: dropped.count },
          ]);
        }
      }),
    );
  });

  test('changing a count reports wrong-count at exactly that key, or conflicting-duplicate if a copy survives', () => {
    const arb = replayedArb.chain((s) =>
      fc
        .record({ at: fc.nat({ max: s.payloads.length - 1 }), count: fc.integer({ min: 1, max: 10_000 }) })
        .filter(({ at, count }) => s.payloads[at].count !== count)
        .map((change) => ({ ...s, ...change })),
    );
    fc.assert(
      fc.property(arb, ({ ledger, payloads, at, count }) => {
        const original = payloads[at];
        const changed = payloads.map((p, i) => (i === at ? { ...p, count } : p));
        const output = toRecords(changed);
        const v = judge(ledger, output, AT_LEAST_ONCE);
        const fails = failures(v);
        expect(fails).toHaveLength(1);
        const [f] = fails;
        expect(sameKey(f as Payload, original)).toBe(true);
        if (payloads.filter((p) => sameKey(p, original)).length > 1) {
          expect(f.kind).toBe('conflicting-duplicate');
          if (f.kind === 'conflicting-duplicate') expect(new Set(f.counts)).toEqual(new Set([original.count, count]));
        } else {
          expect(f).toEqual({
            kind: 'wrong-count',
            severity: 'failure',
            windowStart: original.windowStart,
            page: original.page,
            expected: original.count,
            got: count,
            partition: output[at].partition,
            offset: output[at].offset,
          });
        }
      }),
    );
  });

  test('garbage records are malformed, at their own location, and never throw', () => {
    const garbageArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.json().map((text) => new TextEncoder().encode(text)),
      fc.constant(null),
      fc.tuple(brokenFieldArb, fc.integer({ min: 0, max: 5 })).map(([{ field, replacement }, page]) => {
        const o: Record<string, unknown> = { windowStart: 1_699_999_995_000, windowEnd: 1_700_000_010_000, page: PAGES[page], count: 1000 };
        if (replacement === undefined) delete o[field];
        else o[field] = replacement;
        return new TextEncoder().encode(JSON.stringify(o));
      }),
    );
    const arb = ledgerArb.chain((ledger) =>
      fc
        .array(garbageArb, { minLength: 1, maxLength: 8 })
        .chain((garbage) => permutationArb<Payload | Uint8Array | null>([...correctPayloads(ledger), ...garbage]))
        .map((values) => ({ ledger, values })),
    );
    fc.assert(
      fc.property(arb, ({ ledger, values }) => {
        const output = toRecords(values);
        const garbageAt = output.filter((_, i) => values[i] === null || values[i] instanceof Uint8Array);
        const v = judge(ledger, output, AT_LEAST_ONCE);
        expect(v.ok).toBe(false);
        expect(failures(v).every((p) => p.kind === 'malformed')).toBe(true);
        const where = (l: { partition: number; offset: string }) => `${l.partition}@${l.offset}`;
        expect(new Set(failures(v).map((p) => where(p as never)))).toEqual(new Set(garbageAt.map(where)));
      }),
    );
  });

  // Closes a hole: a short count past the horizon used to be 'unsettled' info.
  // An event-time window fires once (allowed lateness 0) and the ledger is
  // final when judged, so any record with a short count is a wrong count.
  test('lowering the horizon turns absent windows into unsettled info, never missing; a short count there is still wrong', () => {
    const arb = ledgerArb.chain((ledger) => {
      const payloads = correctPayloads(ledger);
      const windows = Object.keys(ledger.acknowledged).length;
      return fc.record({
        ledger: fc.constant(ledger),
        payloads: fc.constant(payloads),
        closedWindows: fc.integer({ min: 0, max: windows - 1 }),
        slackMs: fc.integer({ min: 0, max: WINDOW_MS - 1 }),
        fates: fc.array(fc.tuple(fc.constantFrom('keep', 'drop', 'partial'), fc.nat()), {
          minLength: payloads.length,
          maxLength: payloads.length,
        }),
      });
    });
    fc.assert(
      fc.property(arb, ({ ledger, payloads, closedWindows, slackMs, fates }) => {
        const first = Math.min(...Object.keys(ledger.acknowledged).map(Number));
        const cut: GeneratorLedger = { ...ledger, closedThroughMs: first + closedWindows * WINDOW_MS + slackMs };
        const settled = (p: Payload) => p.windowStart + WINDOW_MS <= cut.closedThroughMs;
        const output: Payload[] = [];
        const expectedInfo: { page: string; windowStart: number; got: number }[] = [];
        const expectedShort: { page: string; windowStart: number; got: number }[] = [];
        payloads.forEach((p, i) => {
          const [fate, n] = fates[i];
          if (settled(p) || fate === 'keep') output.push(p);
          else if (fate === 'partial' && p.count > 1) {
            const got = 1 + (n % (p.count - 1));
            output.push({ ...p, count: got });
            expectedShort.push({ page: p.page, windowStart: p.windowStart, got });
          } else expectedInfo.push({ page: p.page, windowStart: p.windowStart, got: 0 });
        });
        const order = (a: { windowStart: number; page: string }, b: { windowStart: number; page: string }) =>
          a.windowStart - b.windowStart || a.page.localeCompare(b.page);
        for (const policy of [AT_LEAST_ONCE, EXACTLY_ONCE]) {
          const v = judge(cut, toRecords(output), policy, QUIET_RUN);
          expect(v.summary.byKind.missing).toBe(0);
          const info = v.problems.flatMap((p) => (p.kind === 'unsettled' ? [{ page: p.page, windowStart: p.windowStart, got: p.got }] : []));
          expect(info.sort(order)).toEqual(expectedInfo.sort(order));
          const short = failures(v).flatMap((p) => (p.kind === 'wrong-count' ? [{ page: p.page, windowStart: p.windowStart, got: p.got }] : []));
          expect(short.sort(order)).toEqual(expectedShort.sort(order));
          // Nothing else fails, unless the cut closed nothing or every record is gone (empty output).
          const other = failures(v).filter((p) => p.kind !== 'wrong-count' && p.kind !== 'empty-output');
          expect(other).toEqual([]);
          expect(v.ok).toBe(expectedShort.length === 0 && v.summary.byKind['empty-output'] === 0);
        }
      }),
    );
  });
});

describe('oracle properties (processing time)', () => {
  const spreadArb = spreadArbOf(ledgerArb);
  const alo: OraclePolicy = { sink: 'at-least-once', time: 'processing-time' };
  const eo: OraclePolicy = { sink: 'exactly-once', time: 'processing-time' };

  test('counts spread over any windows conserve; a dropped record is a shortfall on its page', () => {
    fc.assert(
      fc.property(spreadArb, ({ ledger, payloads, pick }) => {
        expect(judge(ledger, toRecords(payloads), alo).ok).toBe(true);
        expect(judge(ledger, toRecords(payloads), eo).ok).toBe(true);
        const lost = payloads[pick];
        const total = payloads.filter((p) => p.page === lost.page).reduce((s, p) => s + p.count, 0);
        const v = judge(ledger, toRecords(payloads.filter((_, i) => i !== pick)), alo);
        expect(failures(v)).toEqual([
          { kind: 'conservation', severity: 'failure', page: lost.page, expected: total, got: total - lost.count },
        ]);
      }),
    );
  });

  test('an identical copy counts once at-least-once, and fails exactly-once', () => {
    fc.assert(
      fc.property(spreadArb, ({ ledger, payloads, pick }) => {
        const output = toRecords([...payloads, payloads[pick]]);
        expect(judge(ledger, output, alo).ok).toBe(true);
        const kinds = new Set(failures(judge(ledger, output, eo)).map((p) => p.kind));
        expect(kinds).toEqual(new Set(['identical-duplicate', 'conservation']));
      }),
    );
  });
});

test('encodeValue matches the job output shape', () => {
  const text = new TextDecoder().decode(encodeValue({ windowStart: 0, page: '/help', count: 1000 }));
  expect(JSON.parse(text)).toEqual({ windowStart: 0, windowEnd: 15_000, page: '/help', count: 1000 });
});
