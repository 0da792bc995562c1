// What the oracle says about one scenario's output: plain data, so reports can
// print it and tests can inspect it without re-running anything.
import type { OraclePolicy } from '../history/types.js';

/** failure: the run is wrong. tolerated: allowed by the policy, still counted. info: context only. */
export type Severity = 'failure' | 'tolerated' | 'info';

/** Where a record sits in the output topic. */
export interface Location {
  partition: number;
  offset: string;
}

export type Problem =
  /** A settled (window, page) the generator fed but the output never reported. */
  | { kind: 'missing'; severity: 'failure'; windowStart: number; page: string; expected: number }
  /** The output reported a count other than what Kafka acknowledged. */
  | ({ kind: 'wrong-count'; severity: 'failure'; windowStart: number; page: string; expected: number; got: number } & Location)
  /** The same (window, page, count) more than once: at-least-once replays; exactly-once forbids it. */
  | {
      kind: 'identical-duplicate';
      severity: 'tolerated' | 'failure';
      windowStart: number;
      page: string;
      count: number;
      copies: number;
      locations: Location[];
    }
  /**
   * One (window, page) reported with different counts. Event time: at most one
   * can be right, always a failure. Processing time, at-least-once: a window
   * restored from a checkpoint fires again with its checkpointed count, so it
   * is tolerated there.
   */
  | {
      kind: 'conflicting-duplicate';
      severity: 'failure' | 'tolerated';
      windowStart: number;
      page: string;
      /** Acknowledged count, null when the key was never generated. */
      expected: number | null;
      counts: number[];
      locations: (Location & { count: number })[];
    }
  /** A record for a window or page the generator never fed. */
  | ({ kind: 'unexpected'; severity: 'failure'; windowStart: number; page: string; count: number; reason: string } & Location)
  /** A record that is not a WindowCount at all. */
  | ({ kind: 'malformed'; severity: 'failure'; reason: string } & Location)
  /** A window the watermark may not have closed yet: absent or partial is legitimate. */
  | {
      kind: 'unsettled';
      severity: 'info';
      windowStart: number;
      page: string;
      expected: number;
      got: number;
      state: 'absent' | 'partial';
    }
  /** Processing time: per page, counts over the whole run must add up to what was acknowledged. */
  | { kind: 'conservation'; severity: 'failure' | 'tolerated'; page: string; expected: number; got: number };

export type ProblemKind = Problem['kind'];

export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'missing',
  'wrong-count',
  'identical-duplicate',
  'conflicting-duplicate',
  'unexpected',
  'malformed',
  'unsettled',
  'conservation',
];

export const SEVERITIES: readonly Severity[] = ['failure', 'tolerated', 'info'];

export interface VerdictSummary {
  /** Output records read, tombstones and garbage included. */
  records: number;
  /** Records that decode to a valid WindowCount. */
  wellFormed: number;
  /** Distinct (windowStart, page, count) among the well-formed. */
  distinct: number;
  /** Well-formed records beyond the first copy of their (windowStart, page, count). */
  duplicateRecords: number;
  /**
   * Event time: settled (windowStart, page) keys with an acknowledged count.
   * Processing time: pages with an acknowledged count (conservation is per page).
   */
  expectedKeys: number;
  /** The ledger's horizon: windows ending at or before it are settled. */
  closedThroughMs: number;
  byKind: Record<ProblemKind, number>;
  bySeverity: Record<Severity, number>;
}

export interface Verdict {
  /** True when no problem has severity 'failure'. */
  ok: boolean;
  policy: OraclePolicy;
  summary: VerdictSummary;
  /** Failures first, then tolerated, then info; within each, by window and page. */
  problems: Problem[];
}
