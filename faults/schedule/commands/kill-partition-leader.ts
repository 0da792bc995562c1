import { killPartitionLeader } from '../../broker-leader.js';
import type { Action, ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runBrokerKill } from './broker-fault.js';

/**
 * SIGKILL of the broker leading output-<partition> (3 brokers): leadership
 * moves to an in-sync replica; the broker is started again and rejoins the ISR.
 */
export const runKillPartitionLeader = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-partition-leader' }>): Promise<void> =>
  runBrokerKill(m, r, a, `leader of output-${a.partition}`, () => killPartitionLeader(r.world, 'output', a.partition));
