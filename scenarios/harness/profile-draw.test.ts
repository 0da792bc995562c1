import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PROFILES, releaseCapabilities } from '../../containers/profiles/profile.js';
import { cellName, chooseProfile, drawIndex, fits, profileCells, SMOKE_DRAW_POOL } from './profile-draw.js';

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

  test("a scenario's own profile that the release lacks is a skip naming the release (ForSt on 1.20)", () => {
    const c = chooseProfile({ scenario: 'failure-recovery-forst', seed: 1, release: v1, forced: 'forst' });
    expect(c.kind).toBe('skip');
    expect(c.note).toMatch(/forst.*1\.20\.3/);
    expect(chooseProfile({ scenario: 'failure-recovery-forst', seed: 1, release: v2, forced: 'forst' }).kind).toBe('run');
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

describe('profileCells (the nightly profile matrix)', () => {
  test('smoke, or a given --profile: one cell, the usual draw', () => {
    expect(profileCells({ tier: 'smoke', given: false, fit: fits.defaultScheduler })).toEqual([undefined]);
    expect(profileCells({ tier: 'nightly', given: true, fit: fits.defaultScheduler })).toEqual([undefined]);
  });

  test('property: nightly lists every named profile the body fits, each once, with distinct scenario names', () => {
    fc.assert(
      fc.property(fc.subarray(PROFILES.map((p) => p.name)), (refused) => {
        const fit = (p: { name: string }) => (refused.includes(p.name) ? 'refused' : undefined);
        const cells = profileCells({ tier: 'nightly', given: false, fit });
        expect([...cells].sort()).toEqual(PROFILES.map((p) => p.name).filter((n) => !refused.includes(n)).sort());
        const names = cells.map((c) => cellName('failure-recovery', c));
        expect(new Set(names).size).toBe(names.length);
      }),
    );
    expect(profileCells({ tier: 'nightly', given: false, fit: fits.defaultScheduler })).not.toContain('adaptive');
  });
});
