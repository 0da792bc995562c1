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
