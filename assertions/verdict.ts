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

/** A copy's location and when it was written: the broker's append time, else its arrival at the reader. */
export interface TimedLocation extends Location {
  writtenMs: number;
  clock: 'append' | 'arrival';
}

export type Problem =
  /** A settled (window, page) the generator fed but the output never reported. */
  | { kind: 'missing'; severity: 'failure'; windowStart: number; page: string; expected: number }
  /** The output reported a count other than what Kafka acknowledged. */
  | ({ kind: 'wrong-count'; severity: 'failure'; windowStart: number; page: string; expected: number; got: number } & Location)
  /**
   * The same (window, page, count) more than once: at-least-once replays after
   * a disturbance (tolerated); exactly-once forbids it (failure).
   */
  | {
      kind: 'identical-duplicate';
      severity: 'tolerated' | 'failure';
      windowStart: number;
      page: string;
      count: number;
      copies: number;
      locations: Location[];
      /** At-least-once with a known history: the disturbances between consecutive copies. */
      attributedTo?: string[];
    }
  /**
   * At-least-once: copies of one (window, page, count) with no disturbance
   * (fault, restart, restore) between two consecutive writes: nothing in the
   * run explains the replay, so the job re-emitted on its own.
   */
  | {
      kind: 'duplicate-without-fault';
      severity: 'failure';
      windowStart: number;
      page: string;
      count: number;
      copies: number;
      locations: TimedLocation[];
      /** The consecutive copies with nothing between them. */
      unattributed: { first: TimedLocation; second: TimedLocation }[];
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
      /** Processing time, at-least-once: why it is not tolerated (no disturbance between the copies). */
      reason?: string;
    }
  /** A record for a window or page the generator never fed. */
  | ({ kind: 'unexpected'; severity: 'failure'; windowStart: number; page: string; count: number; reason: string } & Location)
  /** A record that is not a WindowCount at all. */
  | ({ kind: 'malformed'; severity: 'failure'; reason: string } & Location)
  /**
   * A window the watermark may not have closed yet, and no record for it:
   * absence is legitimate. (A record for it is final: an event-time window
   * fires once, with allowed lateness 0, so a short count is a 'wrong-count'.
   * 'partial' is kept only so older reports still read.)
   */
  | {
      kind: 'unsettled';
      severity: 'info';
      windowStart: number;
      page: string;
      expected: number;
      got: number;
      state: 'absent' | 'partial';
    }
  /**
   * Processing time: per page, counts over the whole run must add up to what
   * was acknowledged. A surplus is tolerated only at-least-once in a disturbed run.
   */
  | { kind: 'conservation'; severity: 'failure' | 'tolerated'; page: string; expected: number; got: number; reason?: string }
  /** The generator had acknowledged events, yet the output proves nothing: no window settled, or nothing written. */
  | { kind: 'empty-output'; severity: 'failure'; acknowledged: number; settledKeys: number; records: number; reason: string }
  /** Event time: the window operator dropped records as late (its numLateRecordsDropped), so some window lost them. */
  | { kind: 'late-records-dropped'; severity: 'failure'; dropped: number; readings: LateDropsReading[] }
  /** Event time: no numLateRecordsDropped reading in the history, so late drops are not ruled out. */
  | { kind: 'late-drops-unread'; severity: 'info'; reason: string }
  /**
   * Something the verdict cannot vouch for. 'no-input': the ledger has no
   * event, so there was nothing to check. 'disturbances-unknown': a tolerance
   * rests on a disturbance, but the oracle was given no history to find one
   * in (judge() without a context). oracleReasons maps it to inconclusive.
   */
  | { kind: 'not-judged'; severity: 'info'; what: 'no-input' | 'disturbances-unknown'; reason: string };

/** One reading of the window operator's numLateRecordsDropped (summed over subtasks). */
export interface LateDropsReading {
  jobId: string;
  vertex: string;
  value: number;
  /** When the harness read it, epoch ms. */
  t: number;
}

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
  'duplicate-without-fault',
  'empty-output',
  'late-records-dropped',
  'late-drops-unread',
  'not-judged',
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
  /** Disturbances found in the history (faults, restarts, restores); null when judged without one. */
  disturbances: number | null;
  /** Event time: late records the window operator dropped (max reading per job, summed); null when not read. */
  lateRecordsDropped: number | null;
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
