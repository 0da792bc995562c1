// fast-check generators for the oracle's properties.
import fc from 'fast-check';
import { PAGES, type GeneratorLedger } from '../../history/types.js';
import { FIRST_WINDOW, makeLedger } from './clicks.js';

const WINDOW_MS = 15_000;

/** 1..8 windows of six pages: the generator's 1000 each, or any positive counts. */
export const ledgerArb: fc.Arbitrary<GeneratorLedger> = fc
  .record({
    windows: fc.integer({ min: 1, max: 8 }),
    firstIndex: fc.integer({ min: -1000, max: 1000 }),
    uniform: fc.boolean(),
  })
  .chain(({ windows, firstIndex, uniform }) => {
    const row = uniform
      ? fc.constant(PAGES.map(() => 1000))
      : fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: PAGES.length, maxLength: PAGES.length });
    return fc
      .array(row, { minLength: windows, maxLength: windows })
      .map((counts) => makeLedger(counts, FIRST_WINDOW + firstIndex * WINDOW_MS));
  });

/** A permutation of `items`. */
export function permutationArb<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

/** JSON values that are not a WindowCount: a correct object with one field broken or gone. */
export const brokenFieldArb = fc.record({
  field: fc.constantFrom('windowStart', 'windowEnd', 'page', 'count'),
  replacement: fc.option(
    fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.double().filter((d) => !Number.isSafeInteger(d)),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    ),
    { nil: undefined },
  ),
})
  // Any string is a well-typed page (one never generated is 'unexpected', not malformed).
  .filter(({ field, replacement }) => !(field === 'page' && typeof replacement === 'string'));

/**
 * Ledgers with holes: windows with some pages never generated, and windows
 * skipped altogether (a gap in event time). Every window present has at least
 * one page; the horizon closes every window.
 */
export const sparseLedgerArb: fc.Arbitrary<GeneratorLedger> = fc
  .record({
    firstIndex: fc.integer({ min: -1000, max: 1000 }),
    windows: fc.array(
      fc.record({
        gapBefore: fc.integer({ min: 0, max: 3 }),
        pages: fc.array(fc.option(fc.integer({ min: 1, max: 5000 }), { freq: 2, nil: 0 }), { minLength: PAGES.length, maxLength: PAGES.length }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ firstIndex, windows }) => {
    const acknowledged: Record<string, Record<string, number>> = {};
    let index = firstIndex;
    let total = 0;
    for (const w of windows) {
      index += w.gapBefore;
      const pages: Record<string, number> = {};
      w.pages.forEach((n, p) => {
        if (n > 0) pages[PAGES[p]] = n;
        total += n;
      });
      // A window needs one page at least: the first, when the draw gave none.
      if (Object.keys(pages).length === 0) {
        pages[PAGES[0]] = 1;
        total += 1;
      }
      acknowledged[String(FIRST_WINDOW + index * WINDOW_MS)] = pages;
      index++;
    }
    const end = FIRST_WINDOW + index * WINDOW_MS;
    return { windowMs: WINDOW_MS, pages: PAGES, acknowledged, total, maxTimestampMs: end - 1, closedThroughMs: end };
  });

/** Either kind of ledger. */
export const anyLedgerArb: fc.Arbitrary<GeneratorLedger> = fc.oneof(ledgerArb, sparseLedgerArb);

/**
 * Processing time: each page's acknowledged total spread over arbitrary
 * windows (what a correct job may write), shuffled, with one record picked.
 */
export function spreadArbOf(ledgers: fc.Arbitrary<GeneratorLedger>) {
  return ledgers.chain((ledger) => {
    const totals = PAGES.map((page) => Object.values(ledger.acknowledged).reduce((s, w) => s + (w[page] ?? 0), 0));
    const cuts = totals.map((t) =>
      t < 2 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 1, max: t - 1 }), { maxLength: Math.min(3, t - 1) }),
    );
    return fc
      .tuple(...cuts)
      .map((perPage) =>
        perPage.flatMap((cut, p) => {
          if (totals[p] === 0) return [];
          const bounds = [0, ...[...cut].sort((a, b) => a - b), totals[p]];
          return bounds.slice(1).map((b, i) => ({ windowStart: 1_800_000_000_000 + i * WINDOW_MS, page: PAGES[p], count: b - bounds[i] }));
        }),
      )
      .chain(permutationArb)
      .chain((payloads) => fc.nat({ max: payloads.length - 1 }).map((pick) => ({ ledger, payloads, pick })));
  });
}
