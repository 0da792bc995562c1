import { describe, expect, test } from 'vitest';
import { classifyRestoreFailure } from '../history/restore-failure.js';
import type { RestoreOutcome } from '../history/restore-outcome.js';
import { expectIncompatible } from './expect-restored.js';

const SP = 'file:/tmp/savepoints/savepoint-ab12cd-0123456789ab';
// Flink 1.20.3's refusal of a 2.2.1 savepoint, as the N x N matrix saw it (trimmed), behind a SQL client's error line.
const TEXT = `[ERROR] Could not execute SQL statement. Reason:
java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6
\tat org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(Checkpoints.java:130)`;
const refused: RestoreOutcome = { ...(classifyRestoreFailure(TEXT) as Extract<RestoreOutcome, { kind: 'incompatible savepoint' }>), savepoint: SP, source: 'cli' };
const restored: RestoreOutcome = { kind: 'restored', jobId: 'j', savepoint: SP, restoredPath: SP, restoredIsSavepoint: true, msToRunning: 900 };
const check = (o: RestoreOutcome) => () => expectIncompatible(o, 'state-format', /Unrecognized checkpoint version number/);

describe('expectIncompatible: a resume whose expected outcome is the refusal', () => {
  test('holds for the refusal in Flink\'s words', () => {
    expect(check(refused)).not.toThrow();
  });

  test('fails when it restored, failed otherwise, was refused for another reason, or the message is not Flink\'s', () => {
    expect(check(restored)).toThrow(/restored from/);
    expect(check({ kind: 'job failed', message: 'java.lang.RuntimeException: boom', exception: 'java.lang.RuntimeException: boom', savepoint: SP, source: 'execution result' })).toThrow(/job failed/);
    expect(check({ ...refused, reason: 'serializer' } as RestoreOutcome)).toThrow(/serializer/);
    expect(check({ ...refused, message: 'Unrecognized checkpoint version number (said the harness)' } as RestoreOutcome)).toThrow(/not in the text Flink gave/);
  });
});
