// The replicated-Kafka faults' common course: one broker taken by `act` (a
// kill, a pause or a cut from its network, each of which waits until the
// metadata shows the move), the move read back from what the fault recorded,
// the broker given back (`recover`: started, or nothing when the fault healed
// itself), back in the ISR, then the cluster and job as the model says.
import type { KafkaBrokerNode } from '../../../containers/kafka-broker.js';
import { restartBroker } from '../../broker-leader.js';
import { expectBrokersInSync, expectClusterMatchesModel, expectMetadataMoved, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

export async function runBrokerFault(
  m: ScheduleModel,
  r: ScheduleReal,
  a: Action,
  role: string,
  act: () => Promise<KafkaBrokerNode>,
  recover?: (broker: KafkaBrokerNode) => Promise<void>,
): Promise<void> {
  const step = beginStep(r, a, role);
  const before = await restartsNow(r);
  const since = Date.now();
  const hit = await act();
  step.target = `${hit.node.name} (${role})`;
  const moved = expectMetadataMoved(r, since, hit.node.name);
  if (recover) await recover(hit);
  Object.assign(m, transition(m, a));
  await expectBrokersInSync(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${moved.join('; ')}; ${hit.node.name} back in sync; new attempts during the step: ${(await restartsNow(r)) - before}`);
}

/** A SIGKILLed broker is started again. */
export const runBrokerKill = (m: ScheduleModel, r: ScheduleReal, a: Action, role: string, kill: () => Promise<KafkaBrokerNode>): Promise<void> =>
  runBrokerFault(m, r, a, role, kill, (b) => restartBroker(r.world, b));
