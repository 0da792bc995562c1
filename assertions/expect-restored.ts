// vitest helper: a resume that did not restore fails the test with Flink's own
// reason ("incompatible savepoint (serializer): <Flink's message>"), not with
// a timeout or a bare "expected false to be true".
import { expect } from 'vitest';
import type { RestoreOutcome } from '../history/restore-outcome.js';
import { restoredSavepoint, sameSavepoint } from '../history/restore-outcome.js';
import { describeClassification, exceptionLines, type RestoreFailureReason } from '../history/restore-failure.js';

export function describeRestoreOutcome(o: RestoreOutcome): string {
  return o.kind === 'restored' ? `restored from ${o.restoredPath}` : `${describeClassification(o)} (from the ${o.source})`;
}

/** `restoreMode`: the run's (its profile's); under CLAIM Flink reports the claimed savepoint as a checkpoint of the job. */
export function expectRestored(outcome: RestoreOutcome, savepoint: string, restoreMode = 'NO_CLAIM'): asserts outcome is Extract<RestoreOutcome, { kind: 'restored' }> {
  expect(outcome.kind === 'restored' ? 'restored' : describeRestoreOutcome(outcome)).toBe('restored');
  if (outcome.kind !== 'restored') return;
  expect(sameSavepoint(outcome.restoredPath, savepoint), `Flink restored ${outcome.restoredPath}, not the savepoint ${savepoint}`).toBe(true);
  const isSavepoint = restoredSavepoint(savepoint, restoreMode).isSavepoint;
  expect(outcome.restoredIsSavepoint, `Flink reports ${outcome.restoredPath} as restored, ${isSavepoint ? 'but not as a savepoint' : `as a savepoint, though ${restoreMode} takes it over as a checkpoint`}`).toBe(isSavepoint);
}

/**
 * A resume whose stated expectation is Flink's refusal (a downgrade across a
 * savepoint format): it must come back as an incompatible savepoint for
 * `reason`, quoting Flink (`message` matches and is a line of the exception
 * Flink gave). A restore, a timeout or any other failure fails the test.
 */
export function expectIncompatible(outcome: RestoreOutcome, reason: RestoreFailureReason, message: RegExp): asserts outcome is Extract<RestoreOutcome, { kind: 'incompatible savepoint' }> {
  expect(describeRestoreOutcome(outcome), 'the resume Flink is expected to refuse').toMatch(new RegExp(`^incompatible savepoint \\(${reason}\\): `));
  if (outcome.kind !== 'incompatible savepoint') return;
  expect(outcome.message, describeRestoreOutcome(outcome)).toMatch(message);
  expect(exceptionLines(outcome.exception).some((l) => l.includes(outcome.message)), `"${outcome.message}" is not in the text Flink gave`).toBe(true);
}
