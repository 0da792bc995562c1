// The playground's Click Event Count under a schedule: the click generator,
// paced at GENERATOR_SPEEDUP times wall time from a window boundary 30
// minutes ago, and output that settles window by window.
import { expect } from 'vitest';
import { waitFor } from '../../containers/wait.js';
import { decodeWindowCount } from '../../history/decode-output.js';
import { WINDOW_MS } from '../../history/types.js';
import type { JobSpec } from '../../config/job-spec.js';
import type { ClickGenerator, GeneratorOptions } from '../../workload/click-generator.js';
import { GENERATOR_SPEEDUP } from './commands/wait-windows.js';
import { bound, type ScheduleReal, type ScheduleWorld } from './real.js';
import type { ScheduleInput, ScheduleWorkload } from './workload.js';

/** A scenario that runs the click generator and settles its windows (the cluster suite's Scenario). */
export interface ClickWorld extends ScheduleWorld {
  generator(options?: Partial<GeneratorOptions>): ClickGenerator;
  /** Waits until every settled window x page has output (bounded; false when it did not). */
  settle(timeoutMs?: number): Promise<boolean>;
}

/**
 * Event time of the first click: a window boundary 30 minutes before now.
 * Output records carry event-time timestamps; near the wall clock, the
 * broker's retention (7 days by record timestamp) never deletes them during a
 * run, and 3x speed keeps them well below an hour into the future.
 */
export const scheduleStartMs = (now = Date.now()): number => Math.floor((now - 30 * 60_000) / WINDOW_MS) * WINDOW_MS;

export function clickWorkload(world: ClickWorld, spec: JobSpec): ScheduleWorkload {
  let generator: ClickGenerator | undefined;
  return {
    describe: `Click Event Count, generator paced x${GENERATOR_SPEEDUP}`,
    spec,
    start(): ScheduleInput {
      const g = (generator = world.generator({ mode: 'paced', speedup: GENERATOR_SPEEDUP, startMs: scheduleStartMs() }));
      return { inputTimeMs: () => g.ledger.snapshot().maxTimestampMs, stop: () => g.stop(), done: () => g.done() };
    },
    // The first window is in the output: every step then acts on a job that demonstrably counts and holds the next window's state.
    async warmUp(r: ScheduleReal): Promise<void> {
      const g = generator!;
      const first = g.startMs;
      await waitFor(
        'the generator to close the first window',
        async (seen) => {
          const closed = g.ledger.snapshot().closedThroughMs;
          seen(`closed through ${closed > 0 ? new Date(closed).toISOString() : 'nothing'}`);
          return closed > first ? true : undefined;
        },
        { timeoutMs: bound(r, (2 * WINDOW_MS) / GENERATOR_SPEEDUP + 60_000), intervalMs: 100 },
      );
      expect(await world.settle(bound(r, 120_000)), `the first window in the output before the first step\n${String(world.extra.settleDiagnostics ?? '')}`).toBe(true);
      world.history.note('warm-up done: the first window is in the output');
    },
    settle: (timeoutMs) => world.settle(timeoutMs),
    outputAfter(fromMs: number): number[] {
      const starts = new Set<number>();
      for (const rec of world.tap.records) {
        const d = decodeWindowCount(rec, WINDOW_MS);
        if (d.ok && d.value.windowStart > fromMs) starts.add(d.value.windowStart);
      }
      return [...starts].sort((a, b) => a - b);
    },
  };
}
