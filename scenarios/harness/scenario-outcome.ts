// A scenario's outcome from what it recorded: the oracle's judgments (with
// what each was expected to say), whether its own checks threw, and the
// evidence rules over its history. The rules are pure (assertions/); this
// file only gathers their reasons for one scenario and hands them to decide().
import { TestRunner } from 'vitest';
import { decide, decisiveReason, type Reason, type ReasonCode, type ScenarioOutcome } from '../../assertions/outcome.js';
import type { Verdict } from '../../assertions/verdict.js';
import { faultEvidence } from '../../assertions/fault-evidence.js';
import { restartLoopReasons } from '../../assertions/restart-loop.js';
import { VERDICT_FAILED_PREFIX } from '../../assertions/format-verdict.js';
import { oracleReasons } from '../../assertions/oracle-reasons.js';
import type { History, SinkSemantics } from '../../history/types.js';
import { fenceReasons } from '../../assertions/fence-evidence.js';
import { inputAuditReasons } from '../../assertions/input-audit.js';
import { profileReasons, type ExpectedProfile } from '../../assertions/profile-applied.js';
import type { ScenarioResult } from '../../reports/run-report.js';

export interface Judgment {
  verdict: Verdict;
  expect: 'pass' | 'fail' | 'any';
}

/** An outcome a scenario decided with a checker of its own (the differential oracle of a declared job), and what it must be. */
export interface OwnJudgment {
  outcome: ScenarioOutcome;
  expect: 'pass' | 'fail';
  /** What was judged, for the control's reason (e.g. "own job dedup"). */
  what: string;
}

export interface ScenarioRecord {
  result: ScenarioResult;
  judgments: readonly Judgment[];
  history: History;
  /** The scenario wrote input: then it must have judged the output. */
  usedGenerator: boolean;
  /** The sink its output was judged for (undefined: never judged, so there was no fence to judge either). */
  sink?: SinkSemantics;
  /** The production profile the run claims (other than the playground's): it must be read back as applied. */
  profile?: ExpectedProfile;
  /** Outcomes of the scenario's own checkers: their reasons count like the oracle's. */
  own?: readonly OwnJudgment[];
  /**
   * A negative control of the harness's own checks: the run must come out
   * inconclusive for this reason (a stray input record: workload.input-mismatch).
   * Then it passes; for any other reason, or none, it fails.
   */
  expectInconclusive?: ReasonCode;
}

/** Extra rules over the history (fault evidence, the fence): each returns the reasons it finds. */
export type EvidenceRule = (history: History, judgments: readonly Judgment[]) => Reason[];

/** The evidence rules every scenario's history goes through. */
const rules: EvidenceRule[] = [(history) => faultEvidence(history), (history) => restartLoopReasons(history.events)];

export function decideScenario({ result, judgments, history, usedGenerator, sink, profile, own = [], expectInconclusive }: ScenarioRecord): ScenarioOutcome {
  const reasons: Reason[] = [];
  if (result.status === 'failed') reasons.push({ code: 'scenario.assertion', effect: 'fail', message: firstLine(result.error) });
  if (result.status === 'error') {
    // The harness's own input could not be accounted for: nothing to judge Flink on, so no Flink failure either.
    if (firstLine(result.error).startsWith('InputUncertainError')) reasons.push({ code: 'workload.input-uncertain', effect: 'inconclusive', message: firstLine(result.error) });
    else reasons.push({ code: 'scenario.error', effect: 'fail', message: firstLine(result.error) });
  }
  // Output judged: the fence before the final read must have held (stopped, drained; exactly-once: nothing left open, written in the job's transactions).
  const fence = sink ? fenceReasons(history, sink) : [];
  // A negative control (every judgment expected to fail, e.g. a mutant that claims the exactly-once
  // sink) is detected by the oracle or by the sink's end state (eos.*): that finding is then its
  // catch. A fence that could not stop or drain the job caught nothing and still fails.
  const control = judgments.some((j) => j.expect === 'fail') && judgments.every((j) => j.expect !== 'pass');
  const caughtByFence = (r: Reason) => control && r.effect === 'fail' && r.code.startsWith('eos.');
  const fenceCaught = fence.filter(caughtByFence);
  for (const j of judgments) {
    reasons.push(...(fenceCaught.length > 0 && j.expect === 'fail' && j.verdict.ok
      ? [{ code: 'oracle.recorded' as const, effect: 'info' as const, message: `ok (${j.verdict.policy.sink}, ${j.verdict.policy.time}); the control was caught by the fence instead` }]
      : judgmentReasons(j)));
  }
  for (const o of own) reasons.push(...ownJudgmentReasons(o));
  if (usedGenerator && judgments.length === 0 && own.length === 0 && result.status === 'passed') {
    reasons.push({ code: 'oracle.not-judged', effect: 'inconclusive', message: 'the scenario wrote input but never judged the output' });
  }
  if (fenceCaught.length > 0) {
    reasons.push({ code: 'control.detected', effect: 'info', message: `the fence rejected the control as it must: ${fenceCaught.map((r) => r.code).join(', ')}` });
    // Marked, so the kill matrix still counts the catch (calibration-cell.ts catchCodes).
    reasons.push(...fence.map((r) => (caughtByFence(r) ? { ...r, effect: 'info' as const, evidence: { ...r.evidence, caughtControl: true } } : r)));
  } else reasons.push(...fence);
  // The oracle's expectation is the ledger: it must be what the input topic holds.
  reasons.push(...inputAuditReasons(history, usedGenerator && sink !== undefined));
  // A profile that did not take: the run did not test what it claims.
  if (profile) reasons.push(...profileReasons(history, profile));
  for (const rule of rules) {
    try {
      reasons.push(...rule(history, judgments));
    } catch (e) {
      reasons.push({ code: 'scenario.error', effect: 'inconclusive', message: `an evidence rule failed: ${(e as Error).message}` });
    }
  }
  // A checker of the scenario's own may apply the same evidence rule (fault evidence, the fence): one reason each.
  const seen = new Set<string>();
  const outcome = decide(
    notFlinksUnderInputMismatch(
      reasons.filter((r) => {
        const key = `${r.code}\u0000${r.effect}\u0000${r.message}`;
        return seen.has(key) ? false : (seen.add(key), true);
      }),
    ),
  );
  return expectInconclusive ? asInconclusiveControl(outcome, expectInconclusive) : outcome;
}

/** The code a reason demoted by another carries in its evidence (`demotedBy`). */
const INPUT_MISMATCH: ReasonCode = 'workload.input-mismatch';

/**
 * The oracle's expectation is the ledger. When the input topic is not what
 * the ledger counts, an oracle failure judged Flink against input it did not
 * read: not Flink's failure, so inconclusive (kept, with the code it would
 * have failed with), and so is a scenario assertion that failed on that
 * verdict. Checks that do not rest on the ledger (the fence, the exactly-once
 * sink's end state, the scenario's other assertions) still fail.
 */
export function notFlinksUnderInputMismatch(reasons: readonly Reason[]): Reason[] {
  if (!reasons.some((r) => r.code === INPUT_MISMATCH && r.effect !== 'info')) return [...reasons];
  // The scenario's assertion that failed on the oracle's verdict (expectVerdictOk, a schedule's property) is that verdict.
  const onTheVerdict = (r: Reason) => r.code === 'scenario.assertion' && r.message.replace(/^AssertionError: /, '').startsWith(VERDICT_FAILED_PREFIX);
  return reasons.map((r) =>
    r.effect === 'fail' && (r.code.startsWith('oracle.') || onTheVerdict(r))
      ? { ...r, effect: 'inconclusive', message: `not Flink's failure while the input differs from the ledger: ${r.message}`, evidence: { ...r.evidence, demotedBy: INPUT_MISMATCH } }
      : r,
  );
}

/**
 * A control that must come out inconclusive for `code`: then it passes, the
 * reason (and what it demoted) kept as info. A failure stays a failure; an
 * inconclusive reason of another kind (a fault without evidence) stays
 * inconclusive; without the reason the control was not detected.
 */
export function asInconclusiveControl(outcome: ScenarioOutcome, code: ReasonCode): ScenarioOutcome {
  if (outcome.outcome === 'fail') return outcome;
  const expected = (r: Reason) => r.effect === 'inconclusive' && (r.code === code || r.evidence?.demotedBy === code);
  if (!outcome.reasons.some((r) => r.effect === 'inconclusive' && r.code === code)) {
    return decide([...outcome.reasons, { code: 'control.not-detected', effect: 'fail', message: `a negative control came out ${outcome.outcome} without ${code}: the check cannot say inconclusive` }]);
  }
  const reasons = outcome.reasons.map((r) => (expected(r) ? { ...r, effect: 'info' as const } : r));
  return decide([{ code: 'control.detected', effect: 'info', message: `the run came out inconclusive for ${code}, as the control must` }, ...reasons]);
}

/** An own checker's reasons; for a negative control, turned round as judgmentReasons does. */
export function ownJudgmentReasons({ outcome, expect, what }: OwnJudgment): Reason[] {
  if (expect === 'pass') return outcome.reasons;
  // The control's own reasons explain the detection; the fault-evidence rule still judges the run itself.
  return outcome.outcome === 'fail'
    ? [{ code: 'control.detected', effect: 'info', message: `${what} rejected the control as it must: ${outcome.reasons.filter((r) => r.effect === 'fail').map((r) => r.code).join(', ')}` }]
    : [{ code: 'control.not-detected', effect: 'fail', message: `a negative control came out ${outcome.outcome} in ${what}: the check cannot fail` }];
}

/** One judgment's reasons, turned round for a negative control. */
export function judgmentReasons({ verdict, expect }: Judgment): Reason[] {
  const failures = verdict.problems.filter((p) => p.severity === 'failure');
  const policy = `${verdict.policy.sink}, ${verdict.policy.time}`;
  if (expect === 'any') {
    return [{ code: 'oracle.recorded', effect: 'info', message: `${verdict.ok ? 'ok' : 'rejected'} (${policy}), not part of the outcome` }];
  }
  if (expect === 'fail') {
    return verdict.ok
      ? [{ code: 'control.not-detected', effect: 'fail', message: `a negative control passed the oracle (${policy}): the check cannot fail` }]
      : [{ code: 'control.detected', effect: 'info', message: `the oracle rejected the control as it must (${policy}): ${failures.length} failure(s)` }];
  }
  // A late-drop count the fence could not read leaves a hole in the oracle: inconclusive, not pass.
  return oracleReasons(verdict, { lateDropsUnread: 'inconclusive' });
}

/**
 * Inconclusive is never a pass: the running test is skipped with the reason
 * (vitest's dynamic skip), annotated so the JUnit file names it.
 */
/** A scenario not run at all (a profile it is not written for): skipped with the reason. */
export async function markNotRun(note: string): Promise<void> {
  const test = TestRunner.getCurrentTest();
  if (!test) return;
  await test.context.annotate(note, 'not-run').catch(() => undefined);
  test.context.skip(note);
}

export async function markInconclusive(outcome: ScenarioOutcome): Promise<void> {
  const reason = decisiveReason(outcome);
  const note = reason ? `inconclusive: ${reason.code}: ${reason.message}` : 'inconclusive';
  const test = TestRunner.getCurrentTest();
  if (!test) return;
  const ctx = test.context;
  await ctx.annotate(note, 'inconclusive').catch(() => undefined);
  ctx.skip(note);
}

function firstLine(s: string | undefined): string {
  const line = (s ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
