import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { classifyRestoreFailure, describeClassification, exceptionLines, isRestoreFailure } from './restore-failure.js';

const fixture = (name: string) =>
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'restore-failures', name), 'utf8');

// Recorded on this harness's clusters (see fixtures/restore-failures):
// a 2.2.1 savepoint submitted to 1.20.3 (JobManager log), a savepoint whose
// _metadata header was overwritten, submitted to 2.2.1 (CLI output), and a
// 1.20.3 savepoint without its state files on 2.2.1 (job exception history).
describe('recorded Flink failures', () => {
  test('a 2.2.1 savepoint on 1.20.3 is an incompatible savepoint (state format), quoting Flink', () => {
    const c = classifyRestoreFailure(fixture('downgrade-2.2.1-to-1.20.3-jobmanager.txt'));
    expect(c).toMatchObject({
      kind: 'incompatible savepoint',
      reason: 'state-format',
      message: 'java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6',
    });
    expect(describeClassification(c)).toBe('incompatible savepoint (state-format): java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6');
  });

  test('a state file missing: the tasks fail restoring; incompatible savepoint (state-restore) with the root cause', () => {
    const c = classifyRestoreFailure(fixture('missing-state-file-2.2.1-exception-history.txt'));
    expect(c).toMatchObject({ kind: 'incompatible savepoint', reason: 'state-restore' });
    expect(c.message).toMatch(/^java\.io\.FileNotFoundException: \/tmp\/flink-savepoints-directory\/savepoint-[\w-]+-no-state-files\/[\w-]+ \(No such file or directory\)$/);
  });

  test('a corrupted _metadata is an incompatible savepoint (state format)', () => {
    const c = classifyRestoreFailure(fixture('corrupt-metadata-2.2.1-cli.txt'));
    expect(c.kind).toBe('incompatible savepoint');
    expect(c).toMatchObject({ reason: 'state-format' });
    expect(c.message).toMatch(/^java\.io\.IOException: Unexpected magic number\. This can have multiple reasons/);
  });
});

// Composed from Flink's own message templates (strings checked in flink-dist
// 2.2.1: HeapKeyedStateBackend, Checkpoints, StreamTaskStateInitializerImpl).
const taskRestoreFailure = (cause: string) => `java.lang.Exception: Exception while creating StreamOperatorStateContext.
	at org.apache.flink.streaming.api.operators.StreamTaskStateInitializerImpl.streamOperatorStateContext(StreamTaskStateInitializerImpl.java:330)
	at org.apache.flink.streaming.runtime.tasks.StreamTask.restoreInternal(StreamTask.java:858)
	at java.base/java.lang.Thread.run(Thread.java:840)
Caused by: org.apache.flink.util.FlinkException: Could not restore keyed state backend for WindowOperator_2e588ce1c86a9d46e2e85186773ce4fd_(1/1) from any of the 1 provided restore options.
	at org.apache.flink.streaming.api.operators.BackendRestorerProcedure.createAndRestore(BackendRestorerProcedure.java:165)
	... 12 more
Caused by: ${cause}
	at org.apache.flink.runtime.state.heap.HeapRestoreOperation.restore(HeapRestoreOperation.java:150)
	... 17 more
`;

describe('composed failures', () => {
  test('a serializer that cannot read the old state: incompatible savepoint (serializer)', () => {
    const c = classifyRestoreFailure(
      taskRestoreFailure(
        'org.apache.flink.util.StateMigrationException: The new state serializer (org.apache.flink.api.common.typeutils.base.LongSerializer@1) must not be incompatible with the old state serializer (org.apache.flink.api.common.typeutils.base.IntSerializer@2).',
      ),
    );
    expect(c).toMatchObject({ kind: 'incompatible savepoint', reason: 'serializer' });
    expect(c.message).toMatch(/^org\.apache\.flink\.util\.StateMigrationException: The new state serializer .* must not be incompatible/);
  });

  test('a class of the state gone (Kryo) inside a restore: incompatible savepoint (serializer)', () => {
    const c = classifyRestoreFailure(taskRestoreFailure('com.esotericsoftware.kryo.KryoException: Unable to find class: org.example.RemovedEvent'));
    expect(c).toMatchObject({ kind: 'incompatible savepoint', reason: 'serializer', message: 'com.esotericsoftware.kryo.KryoException: Unable to find class: org.example.RemovedEvent' });
  });

  test('another failure while restoring state: incompatible savepoint (state-restore), with the root cause', () => {
    const c = classifyRestoreFailure(taskRestoreFailure('java.io.FileNotFoundException: /tmp/flink-savepoints-directory/savepoint-1/3f2a (No such file or directory)'));
    expect(c).toMatchObject({
      kind: 'incompatible savepoint',
      reason: 'state-restore',
      message: 'java.io.FileNotFoundException: /tmp/flink-savepoints-directory/savepoint-1/3f2a (No such file or directory)',
    });
  });

  test('an operator of the savepoint missing from the new job: incompatible savepoint (operator-mapping)', () => {
    const text = `org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.
Caused by: java.util.concurrent.CompletionException: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint file:/tmp/flink-savepoints-directory/savepoint-1. Cannot map checkpoint/savepoint state for operator 2e588ce1c86a9d46e2e85186773ce4fd to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.
	at java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)
Caused by: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint file:/tmp/flink-savepoints-directory/savepoint-1. Cannot map checkpoint/savepoint state for operator 2e588ce1c86a9d46e2e85186773ce4fd to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.
	at org.apache.flink.runtime.checkpoint.Checkpoints.throwNonRestoredStateException(Checkpoints.java:238)`;
    const c = classifyRestoreFailure(text);
    expect(c).toMatchObject({ kind: 'incompatible savepoint', reason: 'operator-mapping' });
    expect(c.message).toMatch(/^java\.lang\.IllegalStateException: Failed to rollback to checkpoint\/savepoint .* Cannot map checkpoint\/savepoint state for operator 2e588ce1c86a9d46e2e85186773ce4fd/);
  });

  test('a failure outside the restore is not an incompatible savepoint: job failed, with the root cause', () => {
    const text = `org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy
	at org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:219)
Caused by: org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired before the position for partition input-0 could be determined
	Suppressed: java.lang.Exception: Exception while creating StreamOperatorStateContext.
		at somewhere(Somewhere.java:1)
`;
    const c = classifyRestoreFailure(text);
    expect(c).toMatchObject({
      kind: 'job failed',
      message: 'org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired before the position for partition input-0 could be determined',
    });
    expect(isRestoreFailure(text)).toBe(false);
    expect(describeClassification(c)).toMatch(/^job failed: org\.apache\.kafka/);
  });

  test('an empty text is a job failure without a message, never a throw', () => {
    expect(classifyRestoreFailure('')).toMatchObject({ kind: 'job failed', message: '(no message)' });
    expect(classifyRestoreFailure('   \n ')).toMatchObject({ kind: 'job failed' });
  });
});

describe('exceptionLines', () => {
  test('keeps the first line and each cause, drops frames, "... n more" and suppressed blocks', () => {
    const text = `a.B: top
	at x.Y.z(Y.java:1)
	... 3 more
Caused by: c.D: middle
continued message
	at x.Y.z(Y.java:2)
	Suppressed: e.F: ignored
		at x.Y.z(Y.java:3)
Caused by: g.H: root`;
    expect(exceptionLines(text)).toEqual(['a.B: top', 'c.D: middle continued message', 'g.H: root']);
  });
});
