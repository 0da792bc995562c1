import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PROFILES, releaseCapabilities } from '../../containers/profiles/profile.js';
import { chooseProfile, drawIndex, fits, SMOKE_DRAW_POOL } from './profile-draw.js';

const v2 = releaseCapabilities('2.2.1');
const v1 = releaseCapabilities('1.20.3');

describe('chooseProfile', () => {
  test('a scenario without a fit runs the playground profile, and skips a given one it is not written for', () => {
    expect(chooseProfile({ scenario: 'x', seed: 1, release: v2 })).toMatchObject({ kind: 'run', how: 'default', profile: { name: 'playground' } });
    expect(chooseProfile({ scenario: 'x', seed: 1, release: v2, given: 'playground' })).toMatchObject({ kind: 'run', how: 'given' });
    const skip = chooseProfile({ scenario: 'x', seed: 1, release: v2, given: 'rocksdb-incremental' });
    expect(skip).toMatchObject({ kind: 'skip' });
    expect(skip.note).toMatch(/not run under profile 'rocksdb-incremental'/);
  });

  test('a given profile the fit refuses is a skip that says why', () => {
    const c = chooseProfile({ scenario: 'rescale', seed: 1, release: v2, given: 'adaptive', fit: fits.defaultScheduler });
    expect(c.kind).toBe('skip');
    expect(c.note).toMatch(/adaptive scheduler/);
  });

  test("a scenario's own profile runs whatever --profile says", () => {
    const c = chooseProfile({ scenario: 'adaptive-rescale', seed: 1, release: v2, given: 'playground', forced: 'adaptive' });
    expect(c).toMatchObject({ kind: 'run', profile: { name: 'adaptive' } });
  });

  test('an unknown given profile is one error naming the valid ones', () => {
    expect(() => chooseProfile({ scenario: 'x', seed: 1, release: v2, given: 'nope', fit: () => undefined })).toThrow(/Unknown profile 'nope'/);
  });

  test('property: a draw is stable for a seed, fits the scenario, the release and the pool', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom(v1, v2), fc.boolean(), (seed, scenario, release, adaptiveOk) => {
        const fit = adaptiveOk ? () => undefined : fits.defaultScheduler;
        const a = chooseProfile({ scenario, seed, release, fit });
        const b = chooseProfile({ scenario, seed, release, fit });
        expect(a).toEqual(b);
        expect(a.kind).toBe('run');
        expect(SMOKE_DRAW_POOL).toContain(a.profile.name);
        expect(fit(a.profile)).toBeUndefined();
        if (a.kind === 'run') expect(a.how).toBe('drawn');
      }),
    );
  });

  test('property: over many seeds every fitting profile of the pool is drawn', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 500; seed++) seen.add(chooseProfile({ scenario: 'failure-recovery', seed, release: v2, fit: fits.defaultScheduler }).profile.name);
    const expected = SMOKE_DRAW_POOL.filter((n) => PROFILES.find((p) => p.name === n)!.scheduler === 'default');
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  test('drawIndex stays in range', () => {
    fc.assert(fc.property(fc.integer(), fc.string(), fc.integer({ min: 1, max: 50 }), (seed, s, n) => {
      const i = drawIndex(seed, s, n);
      expect(i >= 0 && i < n && Number.isInteger(i)).toBe(true);
    }));
  });
});
