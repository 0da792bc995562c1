import { sleep } from '../../../containers/wait.js';
import { isolateJobManagerLeader, viaZooKeeperProxy } from '../../jobmanager.js';
import { JOBMANAGER_ISOLATION_S, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runJobManagerFault } from './jobmanager-failover.js';

/**
 * The JobManager leader cut from ZooKeeper alone (its link of the ZooKeeper
 * proxy disabled; TaskManagers and the standby keep theirs) for
 * JOBMANAGER_ISOLATION_S: its session expires, the standby takes over and
 * recovers the job; reconnected, the old leader is the standby.
 */
export const runIsolateJobManagerLeader = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'isolate-jobmanager-leader' }>): Promise<void> =>
  runJobManagerFault(m, r, a, async () => {
    const cut = await isolateJobManagerLeader(r.world, viaZooKeeperProxy);
    const held = sleep(JOBMANAGER_ISOLATION_S * 1_000);
    return { after: async () => (await held, cut.heal()) };
  });
