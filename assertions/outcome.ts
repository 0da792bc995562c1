// A scenario's final word: pass, fail or inconclusive, with the reasons that
// led there. Plain data with stable reason codes, so report.json, the HTML
// report, JUnit, the gate and campaigns read it and never re-judge.
//
// The rule (Jepsen's "unknown", flink-stability's evidence gate):
// - any reason with effect 'fail' makes the run fail;
// - else any reason with effect 'inconclusive' (a fault Flink's records do not
//   confirm, a check the harness could not run) makes it inconclusive;
// - else it passes. A pass therefore always means: the oracle held AND every
//   fault the run claims to have injected demonstrably hit the job.

export type Outcome = 'pass' | 'fail' | 'inconclusive';

/** What a reason does to the outcome; 'info' is kept for the report only. */
export type Effect = 'fail' | 'inconclusive' | 'info';

/**
 * Stable, dotted reason codes: `<room>.<what>[.<how>]`. Codes are part of the
 * contract with the gate and campaigns: add new ones, never rename.
 */
export type ReasonCode =
  // the oracle (assertions/oracle.ts): `oracle.<problem kind>` and whole-run checks
  | 'oracle.missing'
  | 'oracle.wrong-count'
  | 'oracle.identical-duplicate'
  | 'oracle.duplicate-without-fault'
  | 'oracle.conflicting-duplicate'
  | 'oracle.unexpected'
  | 'oracle.malformed'
  | 'oracle.conservation'
  | 'oracle.empty-output'
  | 'oracle.late-records-dropped'
  | 'oracle.not-judged'
  // faults: `fault.<fault name>.<why it does not count>` or `.confirmed`
  | `fault.${string}.confirmed`
  | `fault.${string}.no-effect`
  | `fault.${string}.no-evidence`
  | `fault.${string}.failed`
  // the fence before the final read and the exactly-once sink's end state
  | 'fence.job-not-stopped'
  | 'fence.not-drained'
  | 'eos.lingering-transaction'
  | 'eos.lso-below-hwm'
  | 'eos.check-unavailable'
  | 'eos.not-transactional'
  // the job itself, from Flink's exception history (assertions/restart-loop.ts)
  | 'job.restart-loop'
  | 'job.unexplained-failure'
  // the scenario itself
  | 'scenario.assertion'
  | 'scenario.error'
  | 'scenario.slow-machine'
  | `${string}.${string}`;

export interface Reason {
  code: ReasonCode;
  effect: Effect;
  /** One line a person reads in the report. */
  message: string;
  /** What the reason rests on: Flink's records, offsets, counts (JSON-serialisable). */
  evidence?: Record<string, unknown>;
}

export interface ScenarioOutcome {
  outcome: Outcome;
  /** fail first, then inconclusive, then info. */
  reasons: Reason[];
}

const rank: Record<Effect, number> = { fail: 0, inconclusive: 1, info: 2 };

/** The outcome the reasons add up to (see the rule above). */
export function decide(reasons: readonly Reason[]): ScenarioOutcome {
  const sorted = [...reasons].sort((a, b) => rank[a.effect] - rank[b.effect]);
  const outcome: Outcome = sorted.some((r) => r.effect === 'fail')
    ? 'fail'
    : sorted.some((r) => r.effect === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  return { outcome, reasons: sorted };
}

/** The first reason that decided the outcome, for one-line summaries (JUnit skip messages, tables). */
export function decisiveReason(o: ScenarioOutcome): Reason | undefined {
  return o.reasons.find((r) => r.effect === (o.outcome === 'pass' ? 'info' : o.outcome));
}

export function describeOutcome(o: ScenarioOutcome): string {
  const lines = o.reasons.filter((r) => r.effect !== 'info').map((r) => `${r.effect}: ${r.code}: ${r.message}`);
  return [`${o.outcome}`, ...lines].join('\n');
}
