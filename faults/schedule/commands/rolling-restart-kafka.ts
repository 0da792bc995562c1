import { rollingRestartKafka } from '../../broker-leader.js';
import { expectBrokersInSync, expectClusterMatchesModel, expectMetadataMoved, restartsNow } from '../checks.js';
import { transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/** Every broker in turn (3 brokers): graceful stop, start, back in the ISR before the next. */
export async function runRollingRestartKafka(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'rolling-restart-kafka' }>): Promise<void> {
  const step = beginStep(r, a, `all ${r.world.cluster.kafka.brokers.length} brokers`);
  const before = await restartsNow(r);
  const since = Date.now();
  await rollingRestartKafka(r.world);
  const rejoined = expectMetadataMoved(r, since, 'all brokers');
  Object.assign(m, transition(m, a));
  await expectBrokersInSync(r);
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${rejoined.length} broker(s) restarted and back in sync; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
