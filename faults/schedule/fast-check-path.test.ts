import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mergePaths, PathTracker } from './fast-check-path.js';

describe('PathTracker', () => {
  test('numbers executions like fast-check: runs, then shrinks under each failure', () => {
    const t = new PathTracker();
    expect([t.next(), t.next(), t.next()]).toEqual(['0', '1', '2']);
    t.failed();
    expect(t.shrinking).toBe(true);
    expect([t.next(), t.next()]).toEqual(['2:0', '2:1']);
    t.failed();
    expect(t.next()).toBe('2:1:0');
  });

  test('relative to a replayed path', () => {
    expect(mergePaths('', '3:1')).toBe('3:1');
    expect(mergePaths('4:2', '0')).toBe('4:2');
    expect(mergePaths('4:2', '1:0')).toBe('4:3:0');
    const t = new PathTracker('4:2');
    expect(t.next()).toBe('4:2');
    t.failed();
    expect(t.next()).toBe('4:2:0');
  });

  test('agrees with fast-check: the tracked path of the failing execution is the counterexample path, and replays it', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = new PathTracker();
      const seen = new Map<string, number[]>();
      let lastFailing = '';
      const prop = fc.property(fc.array(fc.nat(100), { maxLength: 8 }), (xs) => {
        const p = t.next();
        seen.set(p, xs);
        if (xs.filter((x) => x > 40).length >= 2) {
          t.failed();
          lastFailing = p;
          return false;
        }
        return true;
      });
      const d = fc.check(prop, { seed, numRuns: 200 });
      expect(d.failed).toBe(true);
      expect(lastFailing).toBe(d.counterexamplePath);
      expect(seen.get(lastFailing)).toEqual(d.counterexample![0]);
      // Replaying seed + path runs that very value first.
      let replayed: number[] | undefined;
      fc.check(
        fc.property(fc.array(fc.nat(100), { maxLength: 8 }), (xs) => {
          replayed ??= xs;
          return true;
        }),
        { seed, path: d.counterexamplePath!, numRuns: 1 },
      );
      expect(replayed).toEqual(d.counterexample![0]);
    }
  });
});
