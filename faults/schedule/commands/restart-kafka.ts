import { restartKafka } from '../../broker.js';
import { expectBrokerUp, expectClusterMatchesModel, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/** Restart the broker (`docker restart`, graceful, its log dir kept). */
export async function runRestartKafka(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'restart-kafka' }>): Promise<void> {
  const step = beginStep(r, a, r.world.cluster.kafka.node.name);
  const before = await restartsNow(r);
  await restartKafka(r.world);
  Object.assign(m, transition(m, a));
  await expectBrokerUp(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `new attempts during the step: ${(await restartsNow(r)) - before}`);
}
