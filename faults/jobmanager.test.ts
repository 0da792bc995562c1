import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../config/harness-error.js';
import { DEFAULT_TOPOLOGY } from '../containers/topology.js';
import { leaderAliasIn } from '../containers/zookeeper-nodes.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { Testbed } from './context.js';
import { killJobManagerLeader, pauseJobManagerLeader, restartZooKeeper } from './jobmanager.js';

describe('JobManager faults', () => {
  test('refused with the shape they need on a run without HA, before anything is recorded', async () => {
    const history = new HistoryRecorder('s', '2.2.1');
    const tb = { cluster: { topology: DEFAULT_TOPOLOGY }, history } as unknown as Testbed;
    for (const [fault, name] of [[killJobManagerLeader, 'kill-jobmanager-leader'], [pauseJobManagerLeader, 'pause-jobmanager-leader'], [restartZooKeeper, 'restart-zookeeper']] as const) {
      const e = await fault(tb).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HarnessError);
      expect((e as Error).message).toBe(`${name} needs jobManagers: 2 (HA); this run has 1`);
    }
    expect(history.events.filter((e) => e.kind === 'fault')).toHaveLength(0);
  });

  test('the leader alias is read from the znode as zkCli prints it (Java-serialized address and session id)', () => {
    const printed = '\u0000\u0018http://jobmanager-2:8081sr\u0000\u000ejava.util.UUID\u00bc\u0099\u0003\u00f7\u0098m\u0085/\u0002\u0000\u0002J\u0000';
    expect(leaderAliasIn(printed)).toBe('jobmanager-2');
    expect(leaderAliasIn('pekko.tcp://flink@jobmanager-1:6123/user/rpc/dispatcher_0')).toBe('jobmanager-1');
  });

  prop.prop([fc.string(), fc.integer({ min: 1, max: 9 }), fc.string()])('finds jobmanager-<n> wherever the address stands', (before, n, after) => {
    fc.pre(!/(\/\/|@)jobmanager-\d+:\d/.test(before));
    expect(leaderAliasIn(`${before}http://jobmanager-${n}:8081${after}`)).toBe(`jobmanager-${n}`);
  });
});
