import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { History, HistoryEvent } from '../history/types.js';
import { faultEvidence } from './fault-evidence.js';
import { LEADER_CHECK } from './jobmanager-evidence.js';
import type { Reason } from './outcome.js';

const JM1 = 'fh-run-ha-jobmanager-1';
const LEDGER = { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
const history = (events: HistoryEvent[]): History => ({ scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 100_000, events, ledger: LEDGER, output: [] });

const fault = (t: number, name = 'kill-jobmanager-leader', target = JM1): HistoryEvent[] => [
  { t, kind: 'fault', name, target, phase: 'invoke' },
  { t: t + 50, kind: 'fault', name, target, phase: 'ok' },
];
const running = (t: number, jobId = 'j1'): HistoryEvent => ({ t, kind: 'job-state', jobId, state: 'RUNNING', tasks: {} });
const checkpoint = (t: number, id: number): HistoryEvent => ({ t, kind: 'checkpoint', jobId: 'j1', id, type: 'checkpoint' });
const leader = (t: number, now: string, previous: string, ok = true): HistoryEvent => ({
  t, kind: 'check', name: LEADER_CHECK, ok, detail: `${now} leads`, data: { leader: now, previous },
});
const restore = (t: number, id: number, jobId = 'j1'): HistoryEvent => ({
  t, kind: 'restore', jobId, checkpointId: id, path: `file:/tmp/flink-checkpoints-directory/${jobId}/chk-${id}`, isSavepoint: false, restoredAt: t,
});
const only = (events: HistoryEvent[]): Reason => {
  const reasons = faultEvidence(history(events));
  expect(reasons).toHaveLength(1);
  return reasons[0]!;
};
const before = [running(500), checkpoint(800, 4), checkpoint(900, 5)];

describe('JobManager failover evidence', () => {
  test('confirmed by a new leader and a restore of the last checkpoint under the same job id', () => {
    const r = only([...before, ...fault(1_000), leader(8_000, 'jobmanager-2', 'jobmanager-1'), restore(11_000, 5)]);
    expect(r).toMatchObject({
      code: 'fault.kill-jobmanager-leader.confirmed', effect: 'info',
      evidence: { leader: 'jobmanager-2', previousLeader: 'jobmanager-1', jobId: 'j1', restoredCheckpointId: 5, lastCheckpointBefore: 5, recoveredAfterMs: 10_000 },
    });
  });

  test('a ZooKeeper restart needs a leader back (the same may lead again) and the restore', () => {
    const r = only([...before, ...fault(1_000, 'restart-zookeeper', 'fh-run-ha-zookeeper'), leader(8_000, 'jobmanager-1', 'jobmanager-1'), restore(11_000, 5)]);
    expect(r.code).toBe('fault.restart-zookeeper.confirmed');
  });

  test('the same leader after a leader kill is not a takeover', () => {
    expect(only([...before, ...fault(1_000), leader(8_000, 'jobmanager-1', 'jobmanager-1'), restore(11_000, 5)])).toMatchObject({
      code: 'fault.kill-jobmanager-leader.no-new-leader', effect: 'inconclusive',
    });
  });

  test('no restore: inconclusive, with or without a new leader', () => {
    expect(only([...before, ...fault(1_000), leader(8_000, 'jobmanager-2', 'jobmanager-1')]).code).toBe('fault.kill-jobmanager-leader.no-evidence');
    expect(only([...before, ...fault(1_000), leader(8_000, 'x', 'x', false)]).code).toBe('fault.kill-jobmanager-leader.no-effect');
  });

  test('a restore before the fault, or of a job started after it (a new id), is no evidence', () => {
    expect(only([...before, restore(950, 5), ...fault(1_000), leader(8_000, 'jobmanager-2', 'jobmanager-1')]).effect).toBe('inconclusive');
    expect(only([...before, ...fault(1_000), leader(8_000, 'jobmanager-2', 'jobmanager-1'), running(9_000, 'j2'), restore(11_000, 5, 'j2')]).effect).toBe('inconclusive');
  });

  test('a checkpoint the watcher saw just after the fault, before the restore, counts (a poll late)', () => {
    const late = only([running(500), checkpoint(900, 3), ...fault(1_000), checkpoint(1_037, 4), leader(8_000, 'jobmanager-2', 'jobmanager-1'), restore(11_000, 3)]);
    expect(late).toMatchObject({ code: 'fault.kill-jobmanager-leader.stale-restore', effect: 'fail', evidence: { lastCheckpointBefore: 4 } });
    // The new leader's first checkpoint after its restore is no constraint.
    const next = only([running(500), checkpoint(900, 3), ...fault(1_000), leader(8_000, 'jobmanager-2', 'jobmanager-1'), restore(11_000, 3), checkpoint(12_000, 4)]);
    expect(next.code).toBe('fault.kill-jobmanager-leader.confirmed');
  });

  prop.prop([fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })])(
    'a restore older than the last checkpoint completed before the fault fails; none older passes',
    (last, restored) => {
      const r = only([running(500), checkpoint(900, last), ...fault(1_000, 'pause-jobmanager-leader'), leader(8_000, 'jobmanager-2', 'jobmanager-1'), restore(11_000, restored)]);
      expect(r.effect).toBe(restored < last ? 'fail' : 'info');
      if (restored < last) expect(r.code).toBe('fault.pause-jobmanager-leader.stale-restore');
    },
  );
});
