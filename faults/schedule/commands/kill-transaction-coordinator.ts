import { TRANSACTIONAL_ID_PREFIX } from '../../../config/job-spec.js';
import { killTransactionCoordinator } from '../../broker-leader.js';
import type { Action, ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runBrokerKill } from './broker-fault.js';

/**
 * SIGKILL of the broker coordinating the exactly-once sink's newest
 * transaction (3 brokers, FindCoordinator): another broker coordinates it;
 * the killed one is started again and rejoins the ISR.
 */
export const runKillTransactionCoordinator = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-transaction-coordinator' }>): Promise<void> =>
  runBrokerKill(m, r, a, 'transaction coordinator', () => killTransactionCoordinator(r.world, r.spec.transactionalIdPrefix ?? TRANSACTIONAL_ID_PREFIX));
