// The checker: a pure function from what the generator had acknowledged and
// what the job wrote to a verdict. It never talks to Kafka and never throws
// on bad output; bad output is a finding.
import type { GeneratorLedger, OraclePolicy, OutputRecord } from '../history/types.js';
import { acknowledgedKeys, acknowledgedPerPage, isSettled } from './acknowledged.js';
import { judgeProcessingTime } from './conservation.js';
import { judgeEventTime } from './event-time-counts.js';
import { compareText, readOutput } from './output-copies.js';
import { PROBLEM_KINDS, SEVERITIES, type Problem, type ProblemKind, type Severity, type Verdict } from './verdict.js';

export function judge(ledger: GeneratorLedger, output: readonly OutputRecord[], policy: OraclePolicy): Verdict {
  const read = readOutput(output, ledger.windowMs);
  const checked =
    policy.time === 'event-time'
      ? judgeEventTime(ledger, read.keys, policy.sink)
      : judgeProcessingTime(ledger, read.keys, policy.sink);
  const problems = sortProblems([...read.malformed, ...checked]);

  const byKind = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const p of problems) {
    byKind[p.kind]++;
    bySeverity[p.severity]++;
  }
  const expectedKeys =
    policy.time === 'event-time'
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
      byKind,
      bySeverity,
    },
    problems,
  };
}

const severityRank: Record<Severity, number> = { failure: 0, tolerated: 1, info: 2 };

/** Failures first, then by window and page; records without a window (malformed, per-page) lead. */
function sortProblems(problems: Problem[]): Problem[] {
  const start = (p: Problem) => ('windowStart' in p ? p.windowStart : -Infinity);
  return problems.sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      start(a) - start(b) ||
      compareText('page' in a ? a.page : '', 'page' in b ? b.page : ''),
  );
}
