// Event time: every settled (window, page) the generator fed must appear with
// exactly the acknowledged count. An event-time window fires once, with
// allowed lateness 0, and the ledger is final when the run is judged (the
// generator has stopped): so any record for an acknowledged key is that
// window's one and final count, settled or not, and a short count is loss
// (or a late drop), never "not fired yet". Only absence is uncertain past the
// ledger's horizon (closedThroughMs): such a window may not have fired yet,
// and that is information, not a failure.
import type { GeneratorLedger, SinkSemantics } from '../history/types.js';
import { acknowledgedCount, acknowledgedKeys, isSettled } from '../history/acknowledged.js';
import { conflictingDuplicate, identicalDuplicate, type Replays } from './duplicates.js';
import { keyOf, type KeyCopies } from './output-copies.js';
import type { Problem } from './verdict.js';

export function judgeEventTime(ledger: GeneratorLedger, keys: readonly KeyCopies[], sink: SinkSemantics, replays: Replays): Problem[] {
  const problems: Problem[] = [];
  const present = new Set<string>();
  for (const key of keys) {
    present.add(keyOf(key.windowStart, key.page));
    problems.push(...judgeKey(ledger, key, sink, replays));
  }
  for (const { windowStart, page, count: expected } of acknowledgedKeys(ledger)) {
    if (present.has(keyOf(windowStart, page))) continue;
    problems.push(
      isSettled(ledger, windowStart)
        ? { kind: 'missing', severity: 'failure', windowStart, page, expected }
        : { kind: 'unsettled', severity: 'info', windowStart, page, expected, got: 0, state: 'absent' },
    );
  }
  return problems;
}

function judgeKey(ledger: GeneratorLedger, key: KeyCopies, sink: SinkSemantics, replays: Replays): Problem[] {
  const { windowStart, page } = key;
  const expected = acknowledgedCount(ledger, windowStart, page);
  if (expected === 0) {
    const reason = windowWasGenerated(ledger, windowStart) ? 'page never generated in this window' : 'window never generated';
    return key.copies.map(({ partition, offset, count }) => ({ kind: 'unexpected', severity: 'failure', windowStart, page, count, reason, partition, offset }));
  }
  // Event-time windows fire once per key; differing counts are never legitimate.
  const conflicting = conflictingDuplicate(key, expected, 'failure');
  if (conflicting) return [conflicting];

  const problems: Problem[] = [];
  const duplicate = identicalDuplicate(key, sink, replays);
  if (duplicate) problems.push(duplicate);
  const { count: got, partition, offset } = key.copies[0];
  if (got !== expected) problems.push({ kind: 'wrong-count', severity: 'failure', windowStart, page, expected, got, partition, offset });
  return problems;
}

function windowWasGenerated(ledger: GeneratorLedger, windowStart: number): boolean {
  const start = String(windowStart);
  if (!Object.hasOwn(ledger.acknowledged, start)) return false;
  return Object.values(ledger.acknowledged[start]).some((n) => typeof n === 'number' && n > 0);
}
