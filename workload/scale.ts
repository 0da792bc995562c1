// Workload scales: how much input a run writes and how much keyed state the
// job keeps per page. The playground's is 6 pages x 1000 clicks per window
// and a checkpoint of a few KB; `large` is a real job's: 100,000 pages fill
// all 128 key groups, and 1,100 bytes of padding per page make every
// checkpoint over 100 MB. A scale is orthogonal to a Flink profile
// (containers/profiles/): a profile says how Flink runs, a scale how much.
import { HarnessError } from '../config/harness-error.js';
import { PLAYGROUND_SHAPE, shapeProblems, type WorkloadShape } from './click-event.js';

export interface WorkloadScale {
  name: string;
  description: string;
  shape: WorkloadShape;
  /** The job's `--state-padding-bytes`: keyed state per page beside its counts. */
  statePaddingBytes: number;
}

export const SCALES: readonly WorkloadScale[] = [
  { name: 'playground', description: "the playground's 6 pages x 1000 clicks per window, no padding", shape: PLAYGROUND_SHAPE, statePaddingBytes: 0 },
  {
    name: 'large',
    description: '100,000 pages x 2 clicks per window (200,000 events a window), 1,100 bytes of keyed state per page: checkpoints over 100 MB',
    shape: { keys: 100_000, eventsPerKeyPerWindow: 2 },
    statePaddingBytes: 1_100,
  },
];

export const DEFAULT_SCALE = 'playground';

export function scaleNamed(name: string): WorkloadScale {
  const scale = SCALES.find((s) => s.name === name.trim());
  if (!scale) throw new HarnessError(`Unknown workload scale '${name}'.`, `Choose one of: ${SCALES.map((s) => s.name).join(', ')}.`);
  return scale;
}

/** A scale with its own shape or padding (`--keys`, `--events-per-key`), checked like a named one. */
export function customScale(base: WorkloadScale, override: Partial<WorkloadShape> & { statePaddingBytes?: number }): WorkloadScale {
  const shape = { keys: override.keys ?? base.shape.keys, eventsPerKeyPerWindow: override.eventsPerKeyPerWindow ?? base.shape.eventsPerKeyPerWindow };
  const statePaddingBytes = override.statePaddingBytes ?? base.statePaddingBytes;
  const problems = shapeProblems(shape);
  if (!Number.isSafeInteger(statePaddingBytes) || statePaddingBytes < 0) problems.push(`state padding must be 0 or more bytes (got ${statePaddingBytes})`);
  if (problems.length > 0) throw new HarnessError(`Workload scale: ${problems.join('; ')}.`, 'Give positive integers (events per key per window at most 15000).');
  return { name: `${base.name}*`, description: `${shape.keys} pages x ${shape.eventsPerKeyPerWindow} clicks per window, ${statePaddingBytes} bytes of state per page`, shape, statePaddingBytes };
}
