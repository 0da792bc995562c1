// Where in event time a fault lands. The generator writes continuously
// (paced), so a window is always open; 'mid-window' waits until the open
// window is well filled, so the fault hits state that only a checkpoint keeps.
import { waitFor } from '../../../containers/wait.js';
import { WINDOW_MS } from '../../../history/types.js';
import type { Timing } from '../model.js';
import { bound, type ScheduleReal } from '../real.js';

/** The open window is between 50% and 85% filled (input time of the newest acknowledged record: a click's event time). */
export const MID_WINDOW = { from: 0.5, to: 0.85 } as const;

export function isMidWindow(maxTimestampMs: number): boolean {
  if (maxTimestampMs < 0) return false;
  const into = (((maxTimestampMs % WINDOW_MS) + WINDOW_MS) % WINDOW_MS) / WINDOW_MS;
  return into >= MID_WINDOW.from && into <= MID_WINDOW.to;
}

export async function awaitTiming(r: ScheduleReal, timing: Timing): Promise<void> {
  if (timing === 'now') return;
  await waitFor(
    'the open window to be half filled (input time)',
    async (seen) => {
      const max = r.input.inputTimeMs();
      seen(`newest input time ${max < 0 ? 'none' : new Date(max).toISOString()}`);
      return isMidWindow(max) ? true : undefined;
    },
    { timeoutMs: bound(r, 120_000), intervalMs: 50 },
  );
}
