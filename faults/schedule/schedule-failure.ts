import { formatVerdict } from '../../assertions/format-verdict.js';
import type { Verdict } from '../../assertions/verdict.js';

/** The oracle rejected a schedule's output (what the negative control must provoke). */
export class ScheduleVerdictFailed extends Error {
  constructor(readonly verdict: Verdict) {
    super(formatVerdict(verdict));
    // The scenario harness reports assertion errors as 'failed' (not 'error').
    this.name = 'AssertionError';
  }
}
