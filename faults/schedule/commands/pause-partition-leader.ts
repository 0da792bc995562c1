import { pausePartitionLeader } from '../../broker-leader.js';
import { BROKER_PAUSE_S, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runBrokerFault } from './broker-fault.js';

/**
 * `docker pause` of the broker leading output-<partition> (3 brokers) for
 * BROKER_PAUSE_S: a broker that hangs with its connections open. The quorum
 * fences it and leadership moves; unpaused within the step, it rejoins the ISR.
 */
export const runPausePartitionLeader = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'pause-partition-leader' }>): Promise<void> =>
  runBrokerFault(m, r, a, `leader of output-${a.partition}`, () => pausePartitionLeader(r.world, BROKER_PAUSE_S * 1_000, 'output', a.partition));
