import { expect } from 'vitest';
import { sleep, waitFor } from '../../../containers/wait.js';
import { kafkaBandwidth, kafkaLatency, kafkaLoss, type Heal } from '../../network.js';
import type { Testbed } from '../../context.js';
import { expectClusterMatchesModel, lastCompletedCheckpoint, restartsNow } from '../checks.js';
import { KAFKA_TOXIC_S, KAFKA_TOXICS, transition, type Action, type KafkaToxicKind, type ScheduleModel } from '../model.js';
import { beginStep, bound, endStep, type ScheduleReal } from '../real.js';

/** The toxic of each kind on every link of the Kafka proxy (faults/network.ts records it, and its removal with the proxy's traffic). */
function addToxic(tb: Testbed, kind: KafkaToxicKind): Promise<Heal> {
  switch (kind) {
    case 'latency':
      return kafkaLatency(tb, KAFKA_TOXICS.latency.latencyMs, KAFKA_TOXICS.latency.jitterMs);
    case 'bandwidth':
      return kafkaBandwidth(tb, KAFKA_TOXICS.bandwidth.kbPerSecond);
    case 'loss':
      return kafkaLoss(tb, KAFKA_TOXICS.loss.share, KAFKA_TOXICS.loss.timeoutMs);
  }
}

/**
 * A toxic on every Flink-Kafka link for KAFKA_TOXIC_S, then removed. Flink
 * may fail over under it (a lossy link can time out the sink's requests),
 * which the model allows: what it asserts is the cluster as the model says
 * once the link is healthy, and a checkpoint completed after the removal (a
 * job that stays unable to checkpoint has not recovered from the toxic).
 * Whether the toxic reached the job is judged from the proxy's log
 * (assertions/network-evidence.ts).
 */
export async function runKafkaToxic(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kafka-toxic' }>): Promise<void> {
  const step = beginStep(r, a, 'every Flink-Kafka link of the proxy');
  const before = await restartsNow(r);
  const heal = await addToxic(r.world, a.toxic);
  try {
    await sleep(KAFKA_TOXIC_S * 1_000);
  } finally {
    await heal();
  }
  const removedAt = Date.now();
  Object.assign(m, transition(m, a));
  await expectClusterMatchesModel(r, m);
  let observed = `on ${KAFKA_TOXIC_S} s, removed`;
  if (m.environment.checkpointing !== false) {
    const lastAtRemoval = await lastCompletedCheckpoint(r);
    const after = await waitFor(
      `job ${r.jobId} to complete a checkpoint after the toxic was removed`,
      async (seen) => {
        const c = (await r.world.cluster.rest.checkpoints(r.jobId)).latest.completed;
        seen(c ? `newest completed checkpoint ${c.id} at ${new Date(c.latest_ack_timestamp).toISOString()}` : 'no checkpoint completed');
        return c && c.latest_ack_timestamp >= removedAt && (lastAtRemoval === undefined || c.id > lastAtRemoval) ? c.id : undefined;
      },
      { timeoutMs: bound(r, 90_000), diagnose: () => r.world.cluster.diagnose(r.jobId) },
    );
    expect(after, 'a checkpoint completed after the toxic was removed').toBeGreaterThan(0);
    observed += `; checkpoint ${after} completed after it`;
  }
  endStep(r, step, m, `${observed}; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
