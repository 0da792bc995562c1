import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { SweepResult } from './janitor.js';
import { sweepUntilQuiet } from './watchdog.js';

const found = (n: number): SweepResult => ({ containers: Array.from({ length: n }, (_, i) => `c${i}`), networks: [], volumes: [] });

/** A fake clock: sleeping advances it, nothing waits. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('watchdog: sweep until quiet', () => {
  prop.prop([fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(-1)), { maxLength: 40 }), fc.integer({ min: 1, max: 4 })])(
    'stops after N empty sweeps in a row, or at the deadline; everything a sweep removed is reported; a failed sweep is never quiet',
    async (script, quietSweeps) => {
      // -1: the sweep throws (engine busy); n >= 0: it removed n things; after the script, nothing is left.
      const c = clock();
      let i = 0;
      const r = await sweepUntilQuiet(
        async () => {
          const n = script[i++] ?? 0;
          if (n < 0) throw new Error('engine busy');
          return found(n);
        },
        { quietSweeps, intervalMs: 1_000, maxMs: 60_000, ...c },
      );
      const ran = script.slice(0, r.sweeps).concat(Array(Math.max(0, r.sweeps - script.length)).fill(0));
      expect(r.removed.containers).toHaveLength(ran.filter((n) => n > 0).reduce((a, b) => a + b, 0));
      expect(r.errors).toHaveLength(ran.filter((n) => n < 0).length);
      const tail = ran.slice(-quietSweeps);
      if (r.quiet) expect(tail.every((n) => n === 0) && tail.length === quietSweeps).toBe(true);
      else expect(c.now()).toBeGreaterThan(60_000 - 1_000 - 1);
      // Never quiet before it should be: no earlier window of N empty sweeps.
      for (let k = quietSweeps; k < ran.length; k++) expect(ran.slice(k - quietSweeps, k).every((n) => n === 0)).toBe(false);
      expect(c.now()).toBeLessThanOrEqual(60_000);
    },
  );

  test('a runner worker that creates a container after the first sweep is caught by a later one', async () => {
    const c = clock();
    const removals = [2, 0, 1, 0, 0];
    let i = 0;
    const r = await sweepUntilQuiet(async () => found(removals[i++] ?? 0), { quietSweeps: 2, intervalMs: 1_000, maxMs: 30_000, ...c });
    expect(r).toMatchObject({ sweeps: 5, quiet: true });
    expect(r.removed.containers).toHaveLength(3);
  });

  test('something that keeps coming back: gives up at the deadline and says it was not quiet', async () => {
    const c = clock();
    const r = await sweepUntilQuiet(async () => found(1), { quietSweeps: 2, intervalMs: 1_000, maxMs: 5_000, ...c });
    expect(r.quiet).toBe(false);
    expect(r.sweeps).toBe(6);
  });
});
