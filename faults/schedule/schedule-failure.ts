import { formatVerdict } from '../../assertions/format-verdict.js';
import { describeOutcome, type ScenarioOutcome } from '../../assertions/outcome.js';
import type { Verdict } from '../../assertions/verdict.js';

/** The oracle rejected a schedule's output (what the negative control must provoke). */
export class ScheduleVerdictFailed extends Error {
  constructor(readonly verdict: Verdict) {
    super(formatVerdict(verdict));
    // The scenario harness reports assertion errors as 'failed' (not 'error').
    this.name = 'AssertionError';
  }
}

/** The differential oracle (or the id check, fence, evidence) failed a declared job's schedule. */
export class ScheduleOutcomeFailed extends Error {
  constructor(readonly outcome: ScenarioOutcome, what: string) {
    super(`${what}: ${describeOutcome(outcome)}`);
    this.name = 'AssertionError';
  }
}
