import { readOutput } from '../../assertions/output-copies.js';
import { waitFor } from '../../containers/wait.js';
import { decodeWindowCount } from '../../history/decode-output.js';
import { WINDOW_MS, type OutputRecord } from '../../history/types.js';
import type { Scenario } from './scenario.js';

// What the output topic shows while a scenario runs, read from the scenario's
// tap (never by the oracle: these only decide when to act or wait).

/** Newest windowStart among the well-formed records read so far; null when none. */
export function newestWindowStart(records: readonly OutputRecord[]): number | null {
  let newest: number | null = null;
  for (const r of records) {
    const d = decodeWindowCount(r, WINDOW_MS);
    if (d.ok && (newest === null || d.value.windowStart > newest)) newest = d.value.windowStart;
  }
  return newest;
}

/** Distinct windowStarts among the well-formed records read so far, ascending. */
export function windowStartsIn(records: readonly OutputRecord[]): number[] {
  const starts = new Set<number>();
  for (const r of records) {
    const d = decodeWindowCount(r, WINDOW_MS);
    if (d.ok) starts.add(d.value.windowStart);
  }
  return [...starts].sort((a, b) => a - b);
}

/** Records beyond the first copy of their (windowStart, page, count): what an at-least-once replay adds. */
export function identicalDuplicateRecords(records: readonly OutputRecord[]): number {
  const read = readOutput(records, WINDOW_MS);
  return read.wellFormed - read.distinct;
}

/** Waits until the job has written a window newer than `windowStart` (null: any window), then reads to the topic's end. */
export async function waitForOutputBeyond(s: Scenario, windowStart: number | null, timeoutMs = 120_000): Promise<number> {
  const newest = await waitFor(
    `output of a window newer than ${windowStart ?? '(none)'}`,
    async (seen) => {
      const n = newestWindowStart(s.tap.records);
      seen(`newest window in output: ${n ?? 'none'} (${s.tap.records.length} records)`);
      return n !== null && (windowStart === null || n > windowStart) ? n : undefined;
    },
    { timeoutMs, intervalMs: 200, diagnose: () => s.cluster.diagnose() },
  );
  await s.tap.drain(await s.cluster.kafka.endOffsets('output'), { timeoutMs: 30_000 });
  return newest;
}

/** Waits until the job completed `checkpoints` checkpoints and the output holds at least one window. */
export async function waitForCheckpointsAndOutput(s: Scenario, jobId: string, checkpoints = 2, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${checkpoints} completed checkpoint(s) and some output`,
    async (seen) => {
      const stats = await s.cluster.rest.checkpoints(jobId);
      const windows = newestWindowStart(s.tap.records);
      seen(`${stats.counts.completed} completed checkpoint(s), newest window in output ${windows ?? 'none'}`);
      return stats.counts.completed >= checkpoints && windows !== null ? true : undefined;
    },
    { timeoutMs, intervalMs: 200, diagnose: () => s.cluster.diagnose(jobId) },
  );
}
