// Processing time: a window holds whatever reached the job while it was open,
// so no per-window count can be predicted. What must hold is conservation: per
// page, the counts of all windows add up to what Kafka acknowledged.
//
// Horizon: processing-time windows know nothing of event time, so the ledger's
// closedThroughMs does not apply and every acknowledged event is expected. The
// caller must stop the generator and keep reading until at least one window
// length (plus the checkpoint interval under exactly-once, for the last
// transaction to commit) has passed; then every window has fired and a
// shortfall is loss. A window still open when reading stopped looks exactly
// like loss: it is reported as a failing 'conservation' shortfall, on purpose.
//
// Copies: under at-least-once an identical copy is a replay and counts once;
// replay after a restore may also land events in a later window, so a surplus
// is tolerated and so are differing counts for one key. Under exactly-once
// every record counts, and a surplus, duplicate or conflict is a failure.
import type { GeneratorLedger, SinkSemantics } from '../history/types.js';
import { acknowledgedPerPage } from './acknowledged.js';
import { conflictingDuplicate, identicalDuplicate } from './duplicates.js';
import { distinctCounts, type KeyCopies } from './output-copies.js';
import type { Problem } from './verdict.js';

export function judgeProcessingTime(ledger: GeneratorLedger, keys: readonly KeyCopies[], sink: SinkSemantics): Problem[] {
  const problems: Problem[] = [];
  const expected = acknowledgedPerPage(ledger);
  const got = new Map<string, number>([...expected.keys()].map((page) => [page, 0]));
  for (const key of keys) {
    const { windowStart, page } = key;
    if (!expected.has(page)) {
      const reason = 'page never generated';
      problems.push(...key.copies.map((c): Problem => ({ kind: 'unexpected', severity: 'failure', windowStart, page, ...c, reason })));
      continue;
    }
    const conflicting = conflictingDuplicate(key, null, sink === 'exactly-once' ? 'failure' : 'tolerated');
    if (conflicting) problems.push(conflicting);
    const duplicate = identicalDuplicate(key, sink);
    if (duplicate) problems.push(duplicate);
    const counted = sink === 'exactly-once' ? key.copies.map((c) => c.count) : distinctCounts(key.copies);
    got.set(page, got.get(page)! + counted.reduce((a, b) => a + b, 0));
  }
  for (const [page, want] of expected) {
    const have = got.get(page)!;
    if (have === want) continue;
    const severity = have > want && sink === 'at-least-once' ? 'tolerated' : 'failure';
    problems.push({ kind: 'conservation', severity, page, expected: want, got: have });
  }
  return problems;
}
