import { TRANSACTIONAL_ID_PREFIX } from '../../../config/job-spec.js';
import { pauseTransactionCoordinator } from '../../broker-leader.js';
import { BROKER_PAUSE_S, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runBrokerFault } from './broker-fault.js';

/**
 * `docker pause` of the broker coordinating the exactly-once sink's newest
 * transaction for BROKER_PAUSE_S: another broker coordinates it; unpaused
 * within the step, the paused one rejoins the ISR.
 */
export const runPauseTransactionCoordinator = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'pause-transaction-coordinator' }>): Promise<void> =>
  runBrokerFault(m, r, a, 'transaction coordinator', () => pauseTransactionCoordinator(r.world, r.spec.transactionalIdPrefix ?? TRANSACTIONAL_ID_PREFIX, BROKER_PAUSE_S * 1_000));
