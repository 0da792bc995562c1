// Reads the output topic once: malformed records become problems, the rest
// are grouped by (windowStart, page) so every check sees all copies of a key.
import { decodeWindowCount } from '../history/decode-output.js';
import type { OutputRecord } from '../history/types.js';
import type { Location, Problem } from './verdict.js';

export interface Copy extends Location {
  count: number;
  /** When Flink's sink wrote it: the broker's append time, else the arrival at the reader. */
  writtenMs: number;
  clock: 'append' | 'arrival';
}

/** Every copy of one (windowStart, page), in the order they were read. */
export interface KeyCopies {
  windowStart: number;
  page: string;
  copies: Copy[];
}

export interface ReadOutput {
  keys: KeyCopies[];
  malformed: Problem[];
  wellFormed: number;
  distinct: number;
}

export function readOutput(output: readonly OutputRecord[], windowMs: number): ReadOutput {
  const byKey = new Map<string, KeyCopies>();
  const distinct = new Set<string>();
  const malformed: Problem[] = [];
  let wellFormed = 0;
  for (const record of output) {
    const location = { partition: record.partition, offset: record.offset };
    const decoded = decodeWindowCount(record, windowMs);
    if (!decoded.ok) {
      malformed.push({ kind: 'malformed', severity: 'failure', ...location, reason: decoded.reason });
      continue;
    }
    const { windowStart, page, count } = decoded.value;
    wellFormed++;
    const key = keyOf(windowStart, page);
    distinct.add(`${key}\u0000${count}`);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { windowStart, page, copies: [] }));
    const clock = typeof record.appendMs === 'number' && Number.isFinite(record.appendMs) ? 'append' : 'arrival';
    entry.copies.push({ ...location, count, writtenMs: clock === 'append' ? record.appendMs! : record.arrivalMs, clock });
  }
  const keys = [...byKey.values()].sort((a, b) => a.windowStart - b.windowStart || compareText(a.page, b.page));
  return { keys, malformed, wellFormed, distinct: distinct.size };
}

export function keyOf(windowStart: number, page: string): string {
  return `${windowStart}\u0000${page}`;
}

/** Where a copy sits, without its count or time (what most problems carry). */
export function locationOf(c: Location): Location {
  return { partition: c.partition, offset: c.offset };
}

/** Where a copy sits, with its count (what problems about one record carry). */
export function countedLocationOf(c: Copy): Location & { count: number } {
  return { partition: c.partition, offset: c.offset, count: c.count };
}

/** The distinct counts among a key's copies, in first-seen order. */
export function distinctCounts(copies: readonly Copy[]): number[] {
  return [...new Set(copies.map((c) => c.count))];
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
