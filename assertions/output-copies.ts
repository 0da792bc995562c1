// Reads the output topic once: malformed records become problems, the rest
// are grouped by (windowStart, page) so every check sees all copies of a key.
import { decodeWindowCount } from '../history/decode-output.js';
import type { OutputRecord } from '../history/types.js';
import type { Location, Problem } from './verdict.js';

export interface Copy extends Location {
  count: number;
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
    entry.copies.push({ ...location, count });
  }
  const keys = [...byKey.values()].sort((a, b) => a.windowStart - b.windowStart || compareText(a.page, b.page));
  return { keys, malformed, wellFormed, distinct: distinct.size };
}

export function keyOf(windowStart: number, page: string): string {
  return `${windowStart}\u0000${page}`;
}

/** The distinct counts among a key's copies, in first-seen order. */
export function distinctCounts(copies: readonly Copy[]): number[] {
  return [...new Set(copies.map((c) => c.count))];
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
