// vitest helper: a resume that did not restore fails the test with Flink's own
// reason ("incompatible savepoint (serializer): <Flink's message>"), not with
// a timeout or a bare "expected false to be true".
import { expect } from 'vitest';
import type { RestoreOutcome } from '../history/restore-outcome.js';
import { sameSavepoint } from '../history/restore-outcome.js';
import { describeClassification } from '../history/restore-failure.js';

export function describeRestoreOutcome(o: RestoreOutcome): string {
  return o.kind === 'restored' ? `restored from ${o.restoredPath}` : `${describeClassification(o)} (from the ${o.source})`;
}

export function expectRestored(outcome: RestoreOutcome, savepoint: string): asserts outcome is Extract<RestoreOutcome, { kind: 'restored' }> {
  expect(outcome.kind === 'restored' ? 'restored' : describeRestoreOutcome(outcome)).toBe('restored');
  if (outcome.kind !== 'restored') return;
  expect(sameSavepoint(outcome.restoredPath, savepoint), `Flink restored ${outcome.restoredPath}, not the savepoint ${savepoint}`).toBe(true);
  expect(outcome.restoredIsSavepoint, `Flink reports ${outcome.restoredPath} as restored, but not as a savepoint`).toBe(true);
}
