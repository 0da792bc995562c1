import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tierVariants } from './variant-draw.js';

describe('tierVariants', () => {
  test('nightly runs every variant; smoke runs exactly one of them, the same for the same seed and key', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 6 }), (seed, key, variants) => {
        expect(tierVariants('nightly', seed, key, variants)).toEqual(variants);
        const one = tierVariants('smoke', seed, key, variants);
        expect(one).toHaveLength(1);
        expect(variants).toContain(one[0]);
        expect(tierVariants('smoke', seed, key, variants)).toEqual(one);
      }),
    );
  });

  test('over many seeds smoke draws every variant of a file', () => {
    const variants = ['a', 'b', 'c', 'd'];
    const drawn = new Set(Array.from({ length: 200 }, (_, seed) => tierVariants('smoke', seed, 'negative-controls:variant', variants)[0]));
    expect([...drawn].sort()).toEqual(variants);
  });

  test('no variants is an error, not an empty run', () => {
    expect(() => tierVariants('smoke', 1, 'x', [])).toThrow(/no variants/);
  });
});
