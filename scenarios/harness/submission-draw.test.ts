import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { submissionPaths } from './submission-draw.js';

describe('submissionPaths', () => {
  test('nightly runs both paths; smoke runs exactly one, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, scenario) => {
        expect(submissionPaths('nightly', seed, scenario)).toEqual(['cli', 'rest']);
        const one = submissionPaths('smoke', seed, scenario);
        expect(one).toHaveLength(1);
        expect(submissionPaths('smoke', seed, scenario)).toEqual(one);
      }),
    );
  });

  test('over many seeds smoke draws each path', () => {
    const drawn = new Set(Array.from({ length: 64 }, (_, seed) => submissionPaths('smoke', seed, 'rescale')[0]));
    expect([...drawn].sort()).toEqual(['cli', 'rest']);
  });
});
