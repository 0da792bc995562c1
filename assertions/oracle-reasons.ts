// The oracle's verdict as outcome reasons (assertions/outcome.ts), so the
// scenario's outcome, report.json, JUnit and the gate read one set of codes:
// - every failing problem: `oracle.<kind>`, effect 'fail';
// - every tolerated problem (a replay a disturbance explains): `oracle.<kind>`, 'info';
// - what the verdict cannot vouch for ('not-judged': no input at all, or
//   tolerances judged without a history): `oracle.not-judged`, 'inconclusive';
// - no numLateRecordsDropped reading: `oracle.late-drops-unread`, 'info' by
//   default; a caller that requires the reading passes lateDropsUnread: 'inconclusive';
// - other information (unsettled windows): `oracle.<kind>`, 'info'.
// One reason per kind and effect, with the count and the first problems as
// evidence (window, page, partition, offset, counts), so a run with 48 missing
// windows stays readable; the verdict itself keeps every problem.
import { describeProblem, formatVerdict } from './format-verdict.js';
import type { Effect, Reason } from './outcome.js';
import type { Problem, ProblemKind, Verdict } from './verdict.js';

export interface OracleReasonOptions {
  /** What a missing numLateRecordsDropped reading does to the outcome (event time); default 'info'. */
  lateDropsUnread?: 'info' | 'inconclusive';
  /** Problems kept as evidence per reason; default 20. */
  maxEvidence?: number;
}

export function oracleReasons(verdict: Verdict, options: OracleReasonOptions = {}): Reason[] {
  const max = options.maxEvidence ?? 20;
  const groups = new Map<string, { kind: ProblemKind; effect: Effect; problems: Problem[] }>();
  for (const p of verdict.problems) {
    const effect = effectOf(p, options);
    const code = `oracle.${p.kind}`;
    const group = groups.get(`${code}\u0000${effect}`) ?? { kind: p.kind, effect, problems: [] };
    group.problems.push(p);
    groups.set(`${code}\u0000${effect}`, group);
  }
  const policy = `${verdict.policy.sink}, ${verdict.policy.time}`;
  const reasons: Reason[] = [...groups.values()].map(({ kind, effect, problems }) => ({
    code: `oracle.${kind}`,
    effect,
    message:
      `${problems.length} ${kind} ${problems[0].severity === 'info' ? '' : `${problems[0].severity} `}(${policy}): ${describeProblem(problems[0])}` +
      (problems.length > 1 ? ` (+${problems.length - 1} more)` : ''),
    evidence: {
      count: problems.length,
      policy: verdict.policy,
      problems: problems.slice(0, max),
      ...(problems.length > max ? { omitted: problems.length - max } : {}),
    },
  }));
  if (verdict.ok) {
    reasons.push({
      code: 'oracle.held',
      effect: 'info',
      message: `the oracle held (${policy}): ${verdict.summary.expectedKeys} expected key(s), ${verdict.summary.records} record(s)`,
      evidence: { summary: formatVerdict(verdict, 0).split('\n').slice(0, 2).join(' ') },
    });
  }
  const rank: Record<Effect, number> = { fail: 0, inconclusive: 1, info: 2 };
  return reasons.sort((a, b) => rank[a.effect] - rank[b.effect]);
}

function effectOf(p: Problem, options: OracleReasonOptions): Effect {
  if (p.severity === 'failure') return 'fail';
  if (p.kind === 'not-judged') return 'inconclusive';
  if (p.kind === 'late-drops-unread') return options.lateDropsUnread ?? 'info';
  return 'info';
}
