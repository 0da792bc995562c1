// A verdict must rest on something. A run whose generator had acknowledged
// events but whose output proves nothing fails here, in the oracle, rather
// than only where a scenario remembers to check:
// - event time: no acknowledged window settled (the run never closed a window
//   it could check; with one settled, an empty output is 'missing' there);
// - processing time: no record for any acknowledged page.
// A ledger without a single event is no failure of the job, but nothing was
// checked either: it is reported as 'not-judged' (no-input), which
// oracleReasons turns into an inconclusive outcome, never a pass.
import type { GeneratorLedger, OraclePolicy } from '../history/types.js';
import { acknowledgedKeys, isSettled } from '../history/acknowledged.js';
import type { KeyCopies } from './output-copies.js';
import type { Problem } from './verdict.js';

export function judgeEmptiness(ledger: GeneratorLedger, keys: readonly KeyCopies[], policy: OraclePolicy, records: number): Problem[] {
  const acknowledged = acknowledgedKeys(ledger);
  if (acknowledged.length === 0) {
    return [{ kind: 'not-judged', severity: 'info', what: 'no-input', reason: 'the ledger holds no acknowledged event: nothing to check' }];
  }
  const events = acknowledged.reduce((s, k) => s + k.count, 0);
  const settledKeys = acknowledged.filter((k) => isSettled(ledger, k.windowStart)).length;
  const base = { kind: 'empty-output', severity: 'failure', acknowledged: events, settledKeys, records } as const;
  if (policy.time === 'event-time') {
    if (settledKeys === 0) return [{ ...base, reason: 'no acknowledged window settled: the run closed no window it could check' }];
    return [];
  }
  const pages = new Set(acknowledged.map((k) => k.page));
  if (!keys.some((k) => pages.has(k.page))) return [{ ...base, reason: 'no output record for any acknowledged page' }];
  return [];
}
