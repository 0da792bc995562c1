// Which fault brought which duplicates: each repeat of a (window, page),
// in arrival order, is charged to the last fault invoked before it arrived.
// A repeat with a count already seen for its key is identical; with a new
// count, conflicting.
import { decodeWindowCount } from './decode-output.js';
import { faultOccurrences, type FaultOccurrence } from './fault-occurrences.js';
import type { History } from './types.js';

export interface DuplicatesAfterFault {
  /** null: repeats that arrived before any fault. */
  fault: FaultOccurrence | null;
  identical: number;
  conflicting: number;
}

export function duplicatesByFault(history: History): DuplicatesAfterFault[] {
  const faults = faultOccurrences(history.events);
  const before: DuplicatesAfterFault = { fault: null, identical: 0, conflicting: 0 };
  const rows = faults.map((fault): DuplicatesAfterFault => ({ fault, identical: 0, conflicting: 0 }));
  const seen = new Map<string, Set<number>>();
  const records = history.output
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.arrivalMs - b.r.arrivalMs || a.i - b.i);
  for (const { r } of records) {
    const d = decodeWindowCount(r, history.ledger.windowMs);
    if (!d.ok) continue;
    const key = `${d.value.windowStart}\u0000${d.value.page}`;
    const counts = seen.get(key);
    if (!counts) {
      seen.set(key, new Set([d.value.count]));
      continue;
    }
    const row = lastBefore(rows, r.arrivalMs) ?? before;
    if (counts.has(d.value.count)) row.identical++;
    else row.conflicting++;
    counts.add(d.value.count);
  }
  return before.identical + before.conflicting > 0 ? [before, ...rows] : rows;
}

function lastBefore(rows: DuplicatesAfterFault[], t: number): DuplicatesAfterFault | undefined {
  let found: DuplicatesAfterFault | undefined;
  for (const row of rows) if (row.fault!.invokedAt <= t) found = row;
  return found;
}
