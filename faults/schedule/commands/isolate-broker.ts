import { isolateBroker } from '../../broker-leader.js';
import { BROKER_ISOLATION_S, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runBrokerFault } from './broker-fault.js';

/**
 * One broker (pick among the three) cut from the Kafka network for
 * BROKER_ISOLATION_S: the others fence it and it leaves every ISR; put back
 * on its network (with its names), it rejoins them.
 */
export async function runIsolateBroker(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'isolate-broker' }>): Promise<void> {
  const brokers = r.world.cluster.kafka.brokers;
  const nodeId = brokers[a.pick % brokers.length]!.nodeId;
  let heal: (() => Promise<void>) | undefined;
  try {
    await runBrokerFault(m, r, a, `broker ${nodeId}`, async () => {
      const cut = await isolateBroker(r.world, nodeId);
      heal = cut.heal;
      // Isolated past the moment the others fenced it: held, so Flink's clients meet the cut too.
      await new Promise((done) => setTimeout(done, BROKER_ISOLATION_S * 1_000));
      return cut.broker;
    }, async () => heal?.());
  } finally {
    // Healed even when a check failed, so the heal phase finds three brokers.
    await heal?.();
  }
}
