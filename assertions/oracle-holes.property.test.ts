// Properties for the holes issue 9 closed in the oracle: each shows the check
// can fail, and fails exactly where it should.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PAGES, WINDOW_MS, type GeneratorLedger, type OraclePolicy, type OutputRecord } from '../history/types.js';
import { acknowledgedCount, acknowledgedKeys, acknowledgedPerPage } from '../history/acknowledged.js';
import { ARRIVAL_LAG_MS, DISTURBANCE_SLACK_MS, type Disturbance } from './disturbances.js';
import { judge, type OracleContext } from './oracle.js';
import { anyLedgerArb, ledgerArb, permutationArb, sparseLedgerArb, spreadArbOf } from './test-support/arbitraries.js';
import { correctPayloads, sameKey, toRecords, type Payload } from './test-support/clicks.js';
import { disturbance, disturbedRun, lateDrops, QUIET_RUN } from './test-support/runs.js';
import type { Problem, Verdict } from './verdict.js';

const ET_ALO: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };
const ET_EO: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
const PT_ALO: OraclePolicy = { sink: 'at-least-once', time: 'processing-time' };
const PT_EO: OraclePolicy = { sink: 'exactly-once', time: 'processing-time' };
const POLICIES = [ET_ALO, ET_EO, PT_ALO, PT_EO];
const failures = (v: Verdict): Problem[] => v.problems.filter((p) => p.severity === 'failure');
const kinds = (ps: readonly Problem[]) => new Set(ps.map((p) => p.kind));
/** Aligned to the 15 s windows, far from every ledger's windows. */
const T0 = 1_900_000_005_000;

/** Records written (and read) in this order, 100 ms apart from T0, with the clock the test picks. */
function written(values: readonly Payload[], times: readonly number[], clock: 'append' | 'arrival'): OutputRecord[] {
  return toRecords(values).map((r, i) => (clock === 'append' ? { ...r, appendMs: times[i] } : { ...r, arrivalMs: times[i] }));
}

describe('a fired event-time window with a short count fails, wherever the horizon is', () => {
  const arb = anyLedgerArb
    .filter((l) => acknowledgedKeys(l).some((k) => k.count > 1))
    .chain((ledger) => {
      const shortable = correctPayloads(ledger).filter((p) => p.count > 1);
      return fc.record({
        ledger: fc.constant(ledger),
        victim: fc.constantFrom(...shortable),
        cut: fc.integer({ min: 0, max: ledger.closedThroughMs }),
        fraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      });
    });

  test('wrong-count at exactly that key, under both sinks', () => {
    fc.assert(
      fc.property(arb, ({ ledger, victim, cut, fraction }) => {
        const got = 1 + Math.floor(fraction * (victim.count - 1));
        const cutLedger: GeneratorLedger = { ...ledger, closedThroughMs: cut };
        const output = toRecords(correctPayloads(ledger).map((p) => (sameKey(p, victim) ? { ...p, count: got } : p)));
        for (const policy of [ET_ALO, ET_EO]) {
          const v = judge(cutLedger, output, policy, QUIET_RUN);
          expect(v.ok).toBe(false);
          const wrong = failures(v).filter((p) => p.kind === 'wrong-count');
          expect(wrong).toMatchObject([{ windowStart: victim.windowStart, page: victim.page, expected: victim.count, got }]);
          // The cut may leave no settled window at all: then the run also proved nothing.
          expect(failures(v).every((p) => p.kind === 'wrong-count' || p.kind === 'empty-output')).toBe(true);
          expect(v.problems.some((p) => p.kind === 'unsettled' && sameKey(p, victim))).toBe(false);
        }
      }),
    );
  });
});

describe('duplicates must be attributable to a disturbance', () => {
  /** One key written twice, `gapMs` apart, and one disturbance placed against the two writes (or none). */
  const placedArb = anyLedgerArb.chain((ledger) => {
    const payloads = correctPayloads(ledger);
    return fc.record({
      ledger: fc.constant(ledger),
      payloads: fc.constant(payloads),
      pick: fc.nat({ max: payloads.length - 1 }),
      gapMs: fc.integer({ min: 3 * DISTURBANCE_SLACK_MS, max: 120_000 }),
      place: fc.constantFrom('between', 'overlapping-first', 'overlapping-second', 'before', 'after', 'none'),
      awayMs: fc.integer({ min: 1, max: 60_000 }),
      clock: fc.constantFrom('append' as const, 'arrival' as const),
      readAt: fc.nat({ max: payloads.length }),
    });
  });

  test('at-least-once tolerates the copy iff a disturbance lies between the writes; exactly-once never does', () => {
    fc.assert(
      fc.property(placedArb, ({ ledger, payloads, pick, gapMs, place, awayMs, clock, readAt }) => {
        const times = payloads.map((_, i) => T0 + i * 100);
        const t1 = times[pick];
        const t2 = t1 + gapMs;
        // The copy is read anywhere in the stream; its write time says when it came.
        const values = [...payloads];
        values.splice(readAt, 0, payloads[pick]);
        const valueTimes = [...times];
        valueTimes.splice(readAt, 0, t2);
        const output = written(values, valueTimes, clock);
        const lag = clock === 'arrival' ? ARRIVAL_LAG_MS : 0;
        const d: Disturbance | undefined = {
          between: disturbance(t1 + gapMs / 3, t1 + (2 * gapMs) / 3),
          'overlapping-first': disturbance(t1 - 60_000, t1),
          'overlapping-second': disturbance(t2, t2 + 60_000),
          before: disturbance(t1 - lag - DISTURBANCE_SLACK_MS - awayMs - 500, t1 - lag - DISTURBANCE_SLACK_MS - awayMs),
          after: disturbance(t2 + DISTURBANCE_SLACK_MS + awayMs, t2 + DISTURBANCE_SLACK_MS + awayMs + 500),
          none: undefined,
        }[place];
        const context: OracleContext = d ? disturbedRun(d) : QUIET_RUN;
        const explained = place === 'between' || place.startsWith('overlapping');
        const victim = payloads[pick];

        const alo = judge(ledger, output, ET_ALO, context);
        expect(alo.ok).toBe(explained);
        if (explained) {
          const dup = alo.problems.find((p) => p.kind === 'identical-duplicate');
          expect(dup).toMatchObject({ severity: 'tolerated', windowStart: victim.windowStart, page: victim.page, copies: 2 });
          expect(dup?.kind === 'identical-duplicate' && dup.attributedTo).toEqual([expect.stringContaining(d!.what)]);
        } else {
          const first = output.find((r, i) => i !== readAt && values[i] === victim)!;
          const second = output[readAt];
          expect(failures(alo)).toEqual([
            {
              kind: 'duplicate-without-fault',
              severity: 'failure',
              windowStart: victim.windowStart,
              page: victim.page,
              count: victim.count,
              copies: 2,
              locations: [
                { partition: first.partition, offset: first.offset, writtenMs: t1, clock },
                { partition: second.partition, offset: second.offset, writtenMs: t2, clock },
              ],
              unattributed: [
                {
                  first: { partition: first.partition, offset: first.offset, writtenMs: t1, clock },
                  second: { partition: second.partition, offset: second.offset, writtenMs: t2, clock },
                },
              ],
            },
          ]);
        }
        const eo = judge(ledger, output, ET_EO, context);
        expect(failures(eo)).toMatchObject([{ kind: 'identical-duplicate', windowStart: victim.windowStart, page: victim.page }]);
      }),
    );
  });

  /** Keys copied 1-4 times at random write times, random disturbances: the oracle agrees with a direct model. */
  const modelArb = ledgerArb.chain((ledger) => {
    const payloads = correctPayloads(ledger);
    return fc.record({
      ledger: fc.constant(ledger),
      copies: fc.array(fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 4 }), {
        minLength: payloads.length,
        maxLength: payloads.length,
      }),
      disturbances: fc.array(
        fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 20_000 })).map(([from, len]) => disturbance(from, from + len)),
        { maxLength: 3 },
      ),
      sink: fc.constantFrom('at-least-once' as const, 'exactly-once' as const),
      time: fc.constantFrom('event-time' as const, 'processing-time' as const),
    });
  });

  test('model: every consecutive pair of copies of a key needs a disturbance between them', () => {
    fc.assert(
      fc.property(modelArb, ({ ledger, copies, disturbances, sink, time }) => {
        const payloads = correctPayloads(ledger);
        const values = payloads.flatMap((p, i) => copies[i].map(() => p));
        const times = copies.flat().map((t) => T0 + t);
        const ds = disturbances.map((d) => ({ ...d, from: T0 + d.from, until: T0 + d.until }));
        const v = judge(ledger, written(values, times, 'append'), { sink, time }, disturbedRun(...ds));
        const explained = (a: number, b: number) => ds.some((d) => d.from - DISTURBANCE_SLACK_MS <= b && d.until + DISTURBANCE_SLACK_MS >= a);
        const unexplained = payloads.filter((_, i) => {
          const sorted = copies[i].map((t) => T0 + t).sort((a, b) => a - b);
          return sorted.some((t, j) => j > 0 && !explained(sorted[j - 1], t));
        });
        const duplicated = payloads.filter((_, i) => copies[i].length > 1);
        if (sink === 'exactly-once') {
          const dups = failures(v).filter((p) => p.kind === 'identical-duplicate');
          expect(dups.length).toBe(duplicated.length);
          expect(v.ok).toBe(duplicated.length === 0);
          return;
        }
        const without = failures(v).filter((p) => p.kind === 'duplicate-without-fault');
        expect(without.map((p) => `${(p as Payload).windowStart}|${(p as Payload).page}`).sort()).toEqual(
          unexplained.map((p) => `${p.windowStart}|${p.page}`).sort(),
        );
        expect(v.problems.filter((p) => p.kind === 'identical-duplicate').length).toBe(duplicated.length - unexplained.length);
        // At-least-once, copies counted once: nothing else can fail.
        expect(failures(v).every((p) => p.kind === 'duplicate-without-fault')).toBe(true);
      }),
    );
  });

  test('without a history, copies are tolerated as before and the verdict says it could not check them', () => {
    fc.assert(
      fc.property(
        anyLedgerArb.chain((ledger) => fc.record({ ledger: fc.constant(ledger), pick: fc.nat({ max: correctPayloads(ledger).length - 1 }) })),
        ({ ledger, pick }) => {
          const payloads = correctPayloads(ledger);
          const v = judge(ledger, toRecords([...payloads, payloads[pick]]), ET_ALO);
          expect(v.ok).toBe(true);
          expect(v.summary.disturbances).toBeNull();
          expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'not-judged', what: 'disturbances-unknown' }));
        },
      ),
    );
  });
});

describe('empty output never passes', () => {
  const policyArb = fc.constantFrom(...POLICIES);

  test('acknowledged events and no output fail under every policy: empty-output (processing time), missing (event time)', () => {
    fc.assert(
      fc.property(anyLedgerArb, policyArb, fc.boolean(), (ledger, policy, withHistory) => {
        const v = judge(ledger, [], policy, withHistory ? QUIET_RUN : undefined);
        expect(v.ok).toBe(false);
        if (policy.time === 'event-time') {
          expect(failures(v).filter((p) => p.kind === 'missing')).toHaveLength(acknowledgedKeys(ledger).length);
        } else {
          expect(failures(v)).toContainEqual(
            expect.objectContaining({ kind: 'empty-output', acknowledged: acknowledgedKeys(ledger).reduce((s, k) => s + k.count, 0), records: 0 }),
          );
        }
      }),
    );
  });

  test('only records the generator never fed: unexpected, beside every key missing or empty-output', () => {
    fc.assert(
      fc.property(anyLedgerArb, policyArb, fc.integer({ min: 1, max: 5 }), (ledger, policy, n) => {
        const stray = Array.from({ length: n }, (_, i) => ({ windowStart: T0 + i * WINDOW_MS, page: '/careers', count: 7 }));
        const v = judge(ledger, toRecords(stray), policy, QUIET_RUN);
        const want = policy.time === 'event-time' ? ['unexpected', 'missing'] : ['unexpected', 'conservation', 'empty-output'];
        expect(kinds(failures(v))).toEqual(new Set(want));
      }),
    );
  });

  test('event time: a horizon that settles no window is empty-output even with correct records', () => {
    fc.assert(
      fc.property(anyLedgerArb, fc.constantFrom(ET_ALO, ET_EO), (ledger, policy) => {
        const first = Math.min(...Object.keys(ledger.acknowledged).map(Number));
        const unsettled = { ...ledger, closedThroughMs: first + WINDOW_MS - 1 };
        const v = judge(unsettled, toRecords(correctPayloads(ledger)), policy, QUIET_RUN);
        expect(failures(v)).toMatchObject([{ kind: 'empty-output', settledKeys: 0 }]);
      }),
    );
  });

  test('a ledger with no event is not a pass: not-judged (no-input), the caller makes it inconclusive', () => {
    const empty: GeneratorLedger = { windowMs: WINDOW_MS, pages: PAGES, acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
    for (const policy of POLICIES) {
      const v = judge(empty, [], policy, QUIET_RUN);
      expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'not-judged', what: 'no-input' }));
      expect(v.summary.byKind['empty-output']).toBe(0);
    }
  });
});

describe('processing time: conservation is strict when nothing disturbed the run', () => {
  const spreadArb = spreadArbOf(anyLedgerArb);

  test('a surplus fails with no disturbance, is tolerated at-least-once with one, fails exactly-once', () => {
    const arb = spreadArb.chain((s) =>
      fc.record({ extra: fc.integer({ min: 1, max: 5000 }), page: fc.constantFrom(...acknowledgedPerPage(s.ledger).keys()) }).map((x) => ({ ...s, ...x })),
    );
    fc.assert(
      fc.property(arb, ({ ledger, payloads, extra, page }) => {
        const surplus = { windowStart: 1_800_000_000_000 - 7 * WINDOW_MS, page, count: extra };
        const output = toRecords([...payloads, surplus]);
        const want = acknowledgedPerPage(ledger).get(page)!;
        const expected = { kind: 'conservation', page, expected: want, got: want + extra };
        expect(failures(judge(ledger, output, PT_ALO, QUIET_RUN))).toMatchObject([{ ...expected, severity: 'failure' }]);
        // toRecords' records arrive from 1_000_000 ms on: a disturbance then is one while the job wrote.
        const disturbed = judge(ledger, output, PT_ALO, disturbedRun(disturbance(1_000_000)));
        expect(disturbed.ok).toBe(true);
        expect(disturbed.problems).toMatchObject([{ ...expected, severity: 'tolerated' }]);
        expect(failures(judge(ledger, output, PT_EO, disturbedRun(disturbance(1_000_000))))).toMatchObject([{ ...expected, severity: 'failure' }]);
        // One long after the last write (the fence stopping the job) explains nothing.
        const after = 1_000_000 + output.length + ARRIVAL_LAG_MS + DISTURBANCE_SLACK_MS + 1;
        expect(failures(judge(ledger, output, PT_ALO, disturbedRun(disturbance(after))))).toMatchObject([{ ...expected, severity: 'failure' }]);
      }),
    );
  });

  test('loss combined with a surplus fails unless they cancel exactly on one page (the per-page limit)', () => {
    const arb = spreadArb.chain((s) =>
      fc.record({ extra: fc.integer({ min: 1, max: 5000 }), page: fc.constantFrom(...acknowledgedPerPage(s.ledger).keys()) }).map((x) => ({ ...s, ...x })),
    );
    fc.assert(
      fc.property(arb, fc.boolean(), ({ ledger, payloads, pick, extra, page }, exact) => {
        const lost = payloads[pick];
        const count = exact ? lost.count : extra;
        const surplusPage = exact ? lost.page : page;
        const output = toRecords([...payloads.filter((_, i) => i !== pick), { windowStart: 1_800_000_000_000 - 9 * WINDOW_MS, page: surplusPage, count }]);
        const net = new Map([...acknowledgedPerPage(ledger).keys()].map((p) => [p, 0]));
        net.set(lost.page, net.get(lost.page)! - lost.count);
        net.set(surplusPage, net.get(surplusPage)! + count);
        const off = [...net].filter(([, n]) => n !== 0).map(([p]) => p).sort();
        const quiet = judge(ledger, output, PT_ALO, QUIET_RUN);
        expect(failures(quiet).map((p) => (p as { page: string }).page).sort()).toEqual(off);
        expect(failures(quiet).every((p) => p.kind === 'conservation')).toBe(true);
        // With a disturbance, the surplus is tolerated again, but a net loss never is.
        const disturbed = judge(ledger, output, PT_ALO, disturbedRun(disturbance(1_000_000)));
        const short = [...net].filter(([, n]) => n < 0).map(([p]) => p).sort();
        expect(failures(disturbed).map((p) => (p as { page: string }).page).sort()).toEqual(short);
      }),
    );
  });

  test('conflicting counts for one processing-time window need a disturbance between the copies', () => {
    fc.assert(
      fc.property(spreadArbOf(ledgerArb), fc.integer({ min: 1, max: 999 }), fc.boolean(), ({ ledger, payloads, pick }, delta, between) => {
        const again = { ...payloads[pick], count: payloads[pick].count + delta };
        const times = [...payloads.map((_, i) => T0 + i * 100), T0 + 60_000];
        const output = written([...payloads, again], times, 'append');
        const context = between ? disturbedRun(disturbance(T0 + 30_000)) : QUIET_RUN;
        const conflict = judge(ledger, output, PT_ALO, context).problems.find((p) => p.kind === 'conflicting-duplicate');
        expect(conflict?.severity).toBe(between ? 'tolerated' : 'failure');
      }),
    );
  });
});

describe('late drops', () => {
  const readingsArb = fc.array(
    fc.record({ job: fc.constantFrom('job-1', 'job-2'), value: fc.nat({ max: 50 }), t: fc.nat({ max: 1000 }) }).map((r) => lateDrops(r.value, r.job, r.t)),
    { maxLength: 6 },
  );

  test('event time: any drop fails with the run total (largest reading per job, summed); no reading is info', () => {
    fc.assert(
      fc.property(anyLedgerArb, readingsArb, fc.constantFrom(ET_ALO, ET_EO), (ledger, readings, policy) => {
        const v = judge(ledger, toRecords(correctPayloads(ledger)), policy, { disturbances: [], lateRecordsDropped: readings });
        const perJob = new Map<string, number>();
        for (const r of readings) perJob.set(r.jobId, Math.max(perJob.get(r.jobId) ?? 0, r.value));
        const total = [...perJob.values()].reduce((a, b) => a + b, 0);
        if (readings.length === 0) {
          expect(v.ok).toBe(true);
          expect(v.problems).toMatchObject([{ kind: 'late-drops-unread', severity: 'info' }]);
          expect(v.summary.lateRecordsDropped).toBeNull();
        } else {
          expect(v.summary.lateRecordsDropped).toBe(total);
          expect(v.ok).toBe(total === 0);
          expect(failures(v)).toEqual(total === 0 ? [] : [expect.objectContaining({ kind: 'late-records-dropped', dropped: total })]);
        }
      }),
    );
  });

  test('processing time has no late drops to read', () => {
    fc.assert(
      fc.property(spreadArbOf(ledgerArb), ({ ledger, payloads }) => {
        const v = judge(ledger, toRecords(payloads), PT_ALO, { disturbances: [] });
        expect(v.problems).toEqual([]);
        expect(v.summary.lateRecordsDropped).toBeNull();
      }),
    );
  });
});

describe('wider ledgers and outputs', () => {
  test('sparse ledgers: the exact output passes under every policy in a quiet run', () => {
    fc.assert(
      fc.property(sparseLedgerArb, fc.constantFrom(...POLICIES), (ledger, policy) => {
        const v = judge(ledger, toRecords(correctPayloads(ledger)), policy, QUIET_RUN);
        expect(v.problems).toEqual([]);
        expect(v.ok).toBe(true);
      }),
    );
  });

  test('unexpected keys fail exactly at their own records, named for what the generator never fed', () => {
    const arb = anyLedgerArb.chain((ledger) => {
      const first = Math.min(...Object.keys(ledger.acknowledged).map(Number));
      const stray = fc
        .record({ w: fc.integer({ min: -2, max: 10 }), page: fc.constantFrom(...PAGES, '/careers', '__proto__'), count: fc.integer({ min: 1, max: 3000 }) })
        .map(({ w, page, count }) => ({ windowStart: first + w * WINDOW_MS, page, count }))
        .filter((p) => acknowledgedCount(ledger, p.windowStart, p.page) === 0);
      return fc
        .array(stray, { minLength: 1, maxLength: 6 })
        .chain((extra) => permutationArb<Payload & { stray?: true }>([...correctPayloads(ledger), ...extra.map((e) => ({ ...e, stray: true as const }))]))
        .map((values) => ({ ledger, values }));
    });
    fc.assert(
      fc.property(arb, ({ ledger, values }) => {
        const output = toRecords(values);
        const v = judge(ledger, output, ET_ALO, QUIET_RUN);
        const where = (l: { partition: number; offset: string }) => `${l.partition}@${l.offset}`;
        expect(failures(v).every((p) => p.kind === 'unexpected')).toBe(true);
        expect(failures(v).map((p) => where(p as never)).sort()).toEqual(output.filter((_, i) => values[i].stray).map(where).sort());
        for (const p of failures(v)) {
          if (p.kind !== 'unexpected') continue;
          const windowFed = Object.hasOwn(ledger.acknowledged, String(p.windowStart));
          expect(p.reason).toBe(windowFed ? 'page never generated in this window' : 'window never generated');
        }
      }),
    );
  });

  test('event time: a loss beside a surplus is found at both keys', () => {
    const arb = anyLedgerArb
      .filter((l) => acknowledgedKeys(l).length >= 2)
      .chain((ledger) => {
        const payloads = correctPayloads(ledger);
        return fc
          .record({
            lost: fc.nat({ max: payloads.length - 1 }),
            other: fc.nat({ max: payloads.length - 1 }),
            surplus: fc.constantFrom('copy' as const, 'over' as const, 'stray' as const),
          })
          .filter(({ lost, other }) => lost !== other)
          .map((x) => ({ ledger, payloads, ...x }));
      });
    fc.assert(
      fc.property(arb, ({ ledger, payloads, lost, other, surplus }) => {
        const o = payloads[other];
        const added =
          surplus === 'copy' ? o : surplus === 'over' ? { ...o, count: o.count + 1 } : { windowStart: o.windowStart, page: '/careers', count: o.count };
        const output = toRecords([...payloads.filter((_, i) => i !== lost), added]);
        const v = judge(ledger, output, ET_ALO, QUIET_RUN);
        const byKind = kinds(failures(v));
        expect(failures(v)).toContainEqual(expect.objectContaining({ kind: 'missing', windowStart: payloads[lost].windowStart, page: payloads[lost].page }));
        expect(byKind.has({ copy: 'duplicate-without-fault', over: 'conflicting-duplicate', stray: 'unexpected' }[surplus] as Problem['kind'])).toBe(true);
      }),
    );
  });
});
