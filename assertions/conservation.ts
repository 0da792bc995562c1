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
// and differing counts for one key are tolerated, but only where a disturbance
// explains them: a surplus needs one while the job wrote its output (without
// one it can only be the job counting twice, and it may hide an equal loss),
// differing counts need one between the copies. Under exactly-once every record counts,
// and a surplus, duplicate or conflict is a failure.
//
// Limit: per-page sums cannot see a loss exactly offset by a surplus on the
// same page in a disturbed at-least-once run; event time is the exact check.
import type { GeneratorLedger, SinkSemantics } from '../history/types.js';
import { acknowledgedPerPage } from '../history/acknowledged.js';
import { disturbancesBetween } from './disturbances.js';
import { attribute, conflictingDuplicate, identicalDuplicate, type Replays } from './duplicates.js';
import { distinctCounts, type KeyCopies } from './output-copies.js';
import type { Problem } from './verdict.js';

export function judgeProcessingTime(ledger: GeneratorLedger, keys: readonly KeyCopies[], sink: SinkSemantics, replays: Replays): Problem[] {
  const problems: Problem[] = [];
  const expected = acknowledgedPerPage(ledger);
  const got = new Map<string, number>([...expected.keys()].map((page) => [page, 0]));
  for (const key of keys) {
    const { windowStart, page } = key;
    if (!expected.has(page)) {
      const reason = 'page never generated';
      problems.push(
        ...key.copies.map(({ partition, offset, count }): Problem => ({ kind: 'unexpected', severity: 'failure', windowStart, page, count, reason, partition, offset })),
      );
      continue;
    }
    const conflicting = judgeConflict(key, sink, replays);
    if (conflicting) problems.push(conflicting);
    const duplicate = identicalDuplicate(key, sink, replays);
    if (duplicate) problems.push(duplicate);
    const counted = sink === 'exactly-once' ? key.copies.map((c) => c.count) : distinctCounts(key.copies);
    got.set(page, got.get(page)! + counted.reduce((a, b) => a + b, 0));
  }
  const disturbed = replays.disturbances === null || disturbedWhileWriting(keys, replays);
  for (const [page, want] of expected) {
    const have = got.get(page)!;
    if (have === want) continue;
    if (have < want || sink === 'exactly-once') {
      problems.push({ kind: 'conservation', severity: 'failure', page, expected: want, got: have });
    } else if (disturbed) {
      problems.push({ kind: 'conservation', severity: 'tolerated', page, expected: want, got: have });
    } else {
      const reason = 'surplus with no disturbance in the run: nothing replays, and a surplus can hide loss';
      problems.push({ kind: 'conservation', severity: 'failure', page, expected: want, got: have, reason });
    }
  }
  return problems;
}

/**
 * A disturbance that could have made the job write more: one reaching into the
 * stretch from the first write to the last. One after the last record (the
 * fence that stops the job before the final read) explains no surplus.
 */
function disturbedWhileWriting(keys: readonly KeyCopies[], replays: Replays): boolean {
  // A loop, not Math.min(...): 100,000 pages x windows are more copies than a call takes arguments.
  let first = Infinity;
  let last = -Infinity;
  for (const key of keys) {
    for (const c of key.copies) {
      first = Math.min(first, c.writtenMs - (c.clock === 'arrival' ? replays.arrivalLagMs : 0));
      last = Math.max(last, c.writtenMs);
    }
  }
  if (first === Infinity) return false;
  return disturbancesBetween(replays.disturbances ?? [], { writtenMs: first, lagMs: 0 }, { writtenMs: last }, replays.slackMs).length > 0;
}

function judgeConflict(key: KeyCopies, sink: SinkSemantics, replays: Replays): Problem | undefined {
  if (sink === 'exactly-once') return conflictingDuplicate(key, null, 'failure');
  if (replays.disturbances === null) return conflictingDuplicate(key, null, 'tolerated');
  if (attribute(key.copies, replays).unattributed.length === 0) return conflictingDuplicate(key, null, 'tolerated');
  return conflictingDuplicate(key, null, 'failure', 'no disturbance between two of its copies: a window fires again only after a restore');
}
