import { sleep } from '../../../containers/wait.js';
import { pauseJobManagerLeader, unpauseJobManager } from '../../jobmanager.js';
import { JOBMANAGER_PAUSE_S, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runJobManagerFault } from './jobmanager-failover.js';

/** `docker pause` of the JobManager leader past its ZooKeeper session (HA): the standby takes over; unpaused, the old one is the standby. */
export const runPauseJobManagerLeader = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'pause-jobmanager-leader' }>): Promise<void> =>
  runJobManagerFault(m, r, a, async () => {
    const paused = await pauseJobManagerLeader(r.world);
    const frozen = sleep(JOBMANAGER_PAUSE_S * 1_000);
    return { after: async () => (await frozen, unpauseJobManager(r.world, paused.index)) };
  });
