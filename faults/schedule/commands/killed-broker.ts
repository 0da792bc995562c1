// The replicated-Kafka kills' common course: one broker SIGKILLed by `kill`
// (which waits until the metadata names another broker in its place), the
// move read back from what the fault recorded, the broker started again and
// back in the ISR, then the cluster and job as the model says.
import type { KafkaBrokerNode } from '../../../containers/kafka-broker.js';
import { restartBroker } from '../../broker-leader.js';
import { expectBrokersInSync, expectClusterMatchesModel, expectMetadataMoved, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

export async function runBrokerKill(m: ScheduleModel, r: ScheduleReal, a: Action, role: string, kill: () => Promise<KafkaBrokerNode>): Promise<void> {
  const step = beginStep(r, a, role);
  const before = await restartsNow(r);
  const since = Date.now();
  const killed = await kill();
  step.target = `${killed.node.name} (${role})`;
  const moved = expectMetadataMoved(r, since, killed.node.name);
  await restartBroker(r.world, killed);
  Object.assign(m, transition(m, a));
  await expectBrokersInSync(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${moved.join('; ')}; ${killed.node.name} back in sync; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
