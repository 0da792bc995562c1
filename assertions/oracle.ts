// The checker: a pure function from what the generator had acknowledged and
// what the job wrote to a verdict. It never talks to Kafka and never throws
// on bad output; bad output is a finding.
//
// judgeHistory() is the one to use: it reads the run's disturbances and late
// drops from the history itself. judge() without a context judges the output
// alone; whatever it then tolerates on trust (a replay it cannot attribute, a
// surplus) is flagged 'not-judged', and late drops are 'late-drops-unread'.
import type { GeneratorLedger, History, OraclePolicy, OutputRecord } from '../history/types.js';
import { acknowledgedKeys, acknowledgedPerPage, isSettled } from '../history/acknowledged.js';
import { judgeProcessingTime } from './conservation.js';
import { ARRIVAL_LAG_MS, DISTURBANCE_SLACK_MS, disturbances, type Disturbance } from './disturbances.js';
import { UNKNOWN_REPLAYS, type Replays } from './duplicates.js';
import { judgeEmptiness } from './empty-output.js';
import { judgeEventTime } from './event-time-counts.js';
import { judgeLateDrops, lateDropsReadings, lateDropsTotal } from './late-drops.js';
import { compareText, readOutput } from './output-copies.js';
import {
  PROBLEM_KINDS,
  SEVERITIES,
  type LateDropsReading,
  type Problem,
  type ProblemKind,
  type Severity,
  type Verdict,
} from './verdict.js';

/** What the oracle knows of the run beyond ledger and output (judgeHistory derives it from the history). */
export interface OracleContext {
  /** Stretches in which the job may have replayed output (assertions/disturbances.ts). */
  disturbances: readonly Disturbance[];
  /** Event time: the window operator's numLateRecordsDropped readings; absent or empty: not read. */
  lateRecordsDropped?: readonly LateDropsReading[];
  /** How far a disturbance reaches beyond its interval; default DISTURBANCE_SLACK_MS. */
  slackMs?: number;
  /** How much earlier than its arrival a copy without append time may have been written; default ARRIVAL_LAG_MS. */
  arrivalLagMs?: number;
}

/** The oracle over a frozen history: its ledger, its output, and the disturbances and late drops it recorded. */
export function judgeHistory(history: History, policy: OraclePolicy): Verdict {
  return judge(history.ledger, history.output, policy, contextOf(history));
}

export function contextOf(history: History): OracleContext {
  return { disturbances: disturbances(history.events), lateRecordsDropped: lateDropsReadings(history.events) };
}

export function judge(ledger: GeneratorLedger, output: readonly OutputRecord[], policy: OraclePolicy, context?: OracleContext): Verdict {
  const replays: Replays = context
    ? { disturbances: context.disturbances, slackMs: context.slackMs ?? DISTURBANCE_SLACK_MS, arrivalLagMs: context.arrivalLagMs ?? ARRIVAL_LAG_MS }
    : UNKNOWN_REPLAYS;
  const read = readOutput(output, ledger.windowMs);
  const eventTime = policy.time === 'event-time';
  const checked = eventTime ? judgeEventTime(ledger, read.keys, policy.sink, replays) : judgeProcessingTime(ledger, read.keys, policy.sink, replays);
  const problems = [...read.malformed, ...checked, ...judgeEmptiness(ledger, read.keys, policy, output.length)];
  if (eventTime) problems.push(...judgeLateDrops(context?.lateRecordsDropped));
  if (!context && checked.some((p) => p.severity === 'tolerated')) {
    problems.push({
      kind: 'not-judged',
      severity: 'info',
      what: 'disturbances-unknown',
      reason: 'tolerated replays or surplus, but judged without a history: no fault or restore could be checked to explain them',
    });
  }
  sortProblems(problems);

  const byKind = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const p of problems) {
    byKind[p.kind]++;
    bySeverity[p.severity]++;
  }
  const expectedKeys = eventTime
    ? acknowledgedKeys(ledger).filter((k) => isSettled(ledger, k.windowStart)).length
    : acknowledgedPerPage(ledger).size;
  return {
    ok: bySeverity.failure === 0,
    policy: { ...policy },
    summary: {
      records: output.length,
      wellFormed: read.wellFormed,
      distinct: read.distinct,
      duplicateRecords: read.wellFormed - read.distinct,
      expectedKeys,
      closedThroughMs: ledger.closedThroughMs,
      disturbances: context ? context.disturbances.length : null,
      lateRecordsDropped: eventTime ? lateDropsTotal(context?.lateRecordsDropped) : null,
      byKind,
      bySeverity,
    },
    problems,
  };
}

const severityRank: Record<Severity, number> = { failure: 0, tolerated: 1, info: 2 };

/** Failures first, then by window and page; records without a window (malformed, per-page, whole-run) lead. */
function sortProblems(problems: Problem[]): Problem[] {
  const start = (p: Problem) => ('windowStart' in p ? p.windowStart : -Infinity);
  return problems.sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      start(a) - start(b) ||
      compareText('page' in a ? a.page : '', 'page' in b ? b.page : ''),
  );
}
