import { killJobManagerLeader, startJobManager } from '../../jobmanager.js';
import type { Action, ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runJobManagerFault } from './jobmanager-failover.js';

/** SIGKILL of the JobManager leader (HA): the standby takes over; the killed one is started again as the standby. */
export const runKillJobManagerLeader = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-jobmanager-leader' }>): Promise<void> =>
  runJobManagerFault(m, r, a, async () => {
    const killed = await killJobManagerLeader(r.world);
    return { after: () => startJobManager(r.world, killed.index) };
  });
