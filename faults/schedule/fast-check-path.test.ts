import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mergePaths, PathTracker, ShrinkBudget } from './fast-check-path.js';

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

describe('ShrinkBudget', () => {
  /** A property that always fails; each execution takes "2 s" on a fake clock. */
  function run(budgetMs: number) {
    let t = 0;
    const budget = new ShrinkBudget(budgetMs, () => t);
    const tracker = new PathTracker();
    const ran: string[] = [];
    const prop = fc.property(fc.array(fc.nat(100), { minLength: 3, maxLength: 8 }), () => {
      const p = tracker.next();
      if (budget.spent()) fc.pre(false);
      t += 2_000;
      ran.push(p);
      tracker.failed();
      budget.failed();
      return false;
    });
    return { details: fc.check(prop, { seed: 9, numRuns: 10 }), budget, ran };
  }

  test('once spent, every remaining shrink candidate is skipped and fast-check reports the failure found so far', () => {
    const { details, budget, ran } = run(1_000);
    expect(details.failed).toBe(true);
    // Failure noted at t=2 s; the first shrink starts at 2 s (0 s later) and runs; from t=4 s on all are skipped.
    expect(ran).toEqual(['0', '0:0']);
    expect(details.counterexamplePath).toBe('0:0');
    expect(details.numShrinks).toBe(1);
    expect(budget.skipped).toBeGreaterThan(0);
  });

  test('a budget that is not spent lets fast-check shrink to the end', () => {
    const { details, budget, ran } = run(1e9);
    expect(details.failed).toBe(true);
    expect(budget.skipped).toBe(0);
    expect(details.numShrinks).toBeGreaterThan(0);
    expect(details.counterexample![0]).toHaveLength(3);
    expect(details.counterexamplePath).toBe(ran.at(-1));
  });

  test('nothing is spent before a failure', () => {
    const b = new ShrinkBudget(0, () => 1e12);
    expect(b.spent()).toBe(false);
    b.failed();
    expect(b.spent()).toBe(false); // 0 ms elapsed is not over a 0 ms budget
  });
});
