import { restartZooKeeper } from '../../jobmanager.js';
import type { Action, ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runJobManagerFault } from './jobmanager-failover.js';

/** ZooKeeper stopped for 3 s and started (HA): leadership is revoked and granted again, the job recovered from its checkpoints. */
export const runRestartZooKeeper = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'restart-zookeeper' }>): Promise<void> =>
  runJobManagerFault(m, r, a, async () => {
    await restartZooKeeper(r.world);
    return {};
  });
