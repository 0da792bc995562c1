import { killTransactionCoordinator, restartBroker } from '../../broker-leader.js';
import { TRANSACTIONAL_ID_PREFIX } from '../../../scenarios/harness/fence.js';
import { expectBrokersInSync, expectClusterMatchesModel, expectMetadataMoved, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/**
 * SIGKILL of the broker coordinating the exactly-once sink's newest
 * transaction (3 brokers, FindCoordinator): another broker coordinates it;
 * the killed one is started again and rejoins the ISR.
 */
export async function runKillTransactionCoordinator(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-transaction-coordinator' }>): Promise<void> {
  const step = beginStep(r, a, 'coordinator of the sink\'s newest transaction');
  const before = await restartsNow(r);
  const since = Date.now();
  const killed = await killTransactionCoordinator(r.world, r.spec.transactionalIdPrefix ?? TRANSACTIONAL_ID_PREFIX);
  step.target = `${killed.node.name} (transaction coordinator)`;
  const moved = expectMetadataMoved(r, since, killed.node.name);
  await restartBroker(r.world, killed);
  Object.assign(m, transition(m, a));
  await expectBrokersInSync(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${moved.join('; ')}; ${killed.node.name} back in sync; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
