import { describe, expect, test } from 'vitest';
import { checkpointEntry, profileConfigSubset, savepointFormatsInLog, schedulerInLog } from './read-back.js';

// Lines as Flink 2.2.1's JobManager wrote them on this harness's clusters.
const JOB = '66f156d7612db4e756e8bcf2522b5ba2';
const ADAPTIVE = `2026-12-01 20:56:42,062 INFO  org.apache.flink.runtime.scheduler.adaptive.AdaptiveScheduler [] - Running initialization on master for job Click Event Count (${JOB}).`;
const DEFAULT = `2026-12-01 20:55:02,344 INFO  org.apache.flink.runtime.jobmaster.JobMaster                 [] - Running initialization on master for job Click Event Count (${JOB}).`;
const TRIGGER = `2026-12-01 20:57:06,513 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 20 (type=SavepointType{name='Suspend Savepoint', postCheckpointAction=SUSPEND, formatType=NATIVE}) @ 1796158626501 for job ${JOB}.`;
const CHECKPOINT = `2026-12-01 20:56:43,000 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 3 (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1796158603000 for job ${JOB}.`;

describe('profile read-back', () => {
  test('the scheduler is the class that logged the job\'s start; another job\'s line says nothing', () => {
    expect(schedulerInLog(`x\n${ADAPTIVE}\ny`, JOB)).toBe('adaptive');
    expect(schedulerInLog(DEFAULT, JOB)).toBe('default');
    expect(schedulerInLog(ADAPTIVE, 'ffffffffffffffffffffffffffffffff')).toBeUndefined();
  });

  test('savepoint formats come from the savepoint trigger lines of that job only', () => {
    expect(savepointFormatsInLog([CHECKPOINT, TRIGGER, TRIGGER.replace(JOB, 'a'.repeat(32))].join('\n'), JOB)).toEqual([{ id: 20, format: 'NATIVE' }]);
  });

  test('config entries keep only the profile keys; history entries keep the sizes and types', () => {
    expect(profileConfigSubset([{ key: 'jobmanager.scheduler', value: 'adaptive' }, { key: 'rest.port', value: '8081' }, { key: 'execution.checkpointing.incremental', value: 'true' }])).toEqual({
      'jobmanager.scheduler': 'adaptive',
      'execution.checkpointing.incremental': 'true',
    });
    expect(checkpointEntry({ id: 3, status: 'COMPLETED', is_savepoint: false, checkpoint_type: 'UNALIGNED_CHECKPOINT', checkpointed_size: 185062, state_size: 187468 })).toEqual({
      id: 3,
      status: 'COMPLETED',
      isSavepoint: false,
      checkpointType: 'UNALIGNED_CHECKPOINT',
      checkpointedSize: 185062,
      stateSize: 187468,
    });
  });
});
