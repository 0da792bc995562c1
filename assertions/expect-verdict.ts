// vitest helpers: a failing verdict fails the test with the verdict's own
// summary as the message, so the test log says what went wrong and where.
import { expect } from 'vitest';
import { formatVerdict } from './format-verdict.js';
import type { ProblemKind, Verdict } from './verdict.js';

export { formatVerdict } from './format-verdict.js';

export function expectVerdictOk(verdict: Verdict): void {
  expect(verdict.ok, formatVerdict(verdict)).toBe(true);
}

/**
 * Negative controls: passes only if the verdict fails with at least one
 * failure of one of `kinds`; a verdict that fails for another reason does not
 * prove the control was detected.
 */
export function expectVerdictFails(verdict: Verdict, kinds: readonly ProblemKind[]): void {
  const detected = verdict.problems.some((p) => p.severity === 'failure' && kinds.includes(p.kind));
  expect(
    !verdict.ok && detected,
    `expected a failing verdict with a failure of kind ${kinds.join(' | ')}\n${formatVerdict(verdict)}`,
  ).toBe(true);
}
