import { killPartitionLeader, restartBroker } from '../../broker-leader.js';
import { expectBrokersInSync, expectClusterMatchesModel, expectMetadataMoved, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/**
 * SIGKILL of the broker leading output-<partition> (3 brokers): leadership
 * moves to an in-sync replica; the broker is started again and rejoins the ISR.
 */
export async function runKillPartitionLeader(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-partition-leader' }>): Promise<void> {
  const step = beginStep(r, a, `leader of output-${a.partition}`);
  const before = await restartsNow(r);
  const since = Date.now();
  const killed = await killPartitionLeader(r.world, 'output', a.partition);
  step.target = `${killed.node.name} (leader of output-${a.partition})`;
  const moved = expectMetadataMoved(r, since, killed.node.name);
  await restartBroker(r.world, killed);
  Object.assign(m, transition(m, a));
  await expectBrokersInSync(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${moved.join('; ')}; ${killed.node.name} back in sync; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
