// Copies of one (window, page). Identical copies are what at-least-once
// replay produces after a restore; different counts mean at least one is wrong.
import type { SinkSemantics } from '../history/types.js';
import { distinctCounts, type KeyCopies } from './output-copies.js';
import type { Problem } from './verdict.js';

export function identicalDuplicate(key: KeyCopies, sink: SinkSemantics): Problem | undefined {
  if (key.copies.length < 2 || distinctCounts(key.copies).length !== 1) return undefined;
  return {
    kind: 'identical-duplicate',
    severity: sink === 'exactly-once' ? 'failure' : 'tolerated',
    windowStart: key.windowStart,
    page: key.page,
    count: key.copies[0].count,
    copies: key.copies.length,
    locations: key.copies.map(({ partition, offset }) => ({ partition, offset })),
  };
}

export function conflictingDuplicate(
  key: KeyCopies,
  expected: number | null,
  severity: 'failure' | 'tolerated',
): Problem | undefined {
  const counts = distinctCounts(key.copies);
  if (counts.length < 2) return undefined;
  return {
    kind: 'conflicting-duplicate',
    severity,
    windowStart: key.windowStart,
    page: key.page,
    expected,
    counts,
    locations: key.copies.map((c) => ({ ...c })),
  };
}
