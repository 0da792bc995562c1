import type { Cluster } from '../containers/cluster.js';
import { waitFor, withTimeout } from '../containers/wait.js';
import { recorded, type Testbed } from './context.js';
import { kafkaClientErrors } from './kafka-client-log.js';

// Broker faults: the Kafka broker restarted, or stopped for a while and
// started again, its data kept. Each records what the job saw of it, for the
// evidence rule (assertions/fault-evidence.ts): the Kafka client errors in the
// Flink nodes' logs since the fault began, and the job's consumer lag on the
// input topic before the fault and in the seconds after it.

/** The job's consumer group (ClickEventCount's --group-id default) and its input topic. */
export const JOB_GROUP_ID = 'click-event-count';
export const INPUT_TOPIC = 'input';

/** Metric name of the consumer-lag samples ('metric' events, vertex = the topic). */
export const CONSUMER_LAG = 'consumer-lag';

/** Broker faults, by the names they carry in the history. */
export const BROKER_FAULTS: readonly string[] = ['restart-kafka', 'kafka-outage', 'pause-kafka'];
/** The operation that ends a 'pause-kafka' (the broker is frozen from the pause's ok until then). */
export const UNPAUSE_KAFKA = 'unpause-kafka';

export const restartKafka = (tb: Testbed) =>
  withBrokerEvidence(tb, () => recorded(tb, 'fault', 'restart-kafka', tb.cluster.kafka.node.name, () => tb.cluster.kafka.restart()));

export const kafkaOutage = (tb: Testbed, downMs: number, whileDown?: () => void) =>
  withBrokerEvidence(tb, () =>
    recorded(tb, 'fault', 'kafka-outage', `${tb.cluster.kafka.node.name} down ${downMs / 1000} s`, () => tb.cluster.kafka.outage(downMs, whileDown)),
  );

/**
 * Freeze the broker (`docker pause`): its connections stay open but nothing
 * answers, unlike a stop. `unpauseKafka` ends it and records the Kafka client
 * errors the Flink nodes logged meanwhile.
 */
export async function pauseKafka(tb: Testbed): Promise<void> {
  await sampleLag(tb);
  pausedSince.set(tb, Date.now());
  await recorded(tb, 'fault', 'pause-kafka', tb.cluster.kafka.node.name, () => tb.cluster.kafka.node.pause());
}

export async function unpauseKafka(tb: Testbed): Promise<void> {
  try {
    await recorded(tb, 'operation', UNPAUSE_KAFKA, tb.cluster.kafka.node.name, () => tb.cluster.kafka.node.unpause());
    await sampleLagSoon(tb);
  } finally {
    await recordKafkaClientErrors(tb, pausedSince.get(tb) ?? 0);
    pausedSince.delete(tb);
  }
}

const pausedSince = new WeakMap<Testbed, number>();

async function withBrokerEvidence<T>(tb: Testbed, fault: () => Promise<T>): Promise<T> {
  await sampleLag(tb);
  const began = Date.now();
  try {
    return await fault();
  } finally {
    // The admin client's connections lead to the broker process that went: a new client
    // samples the lag at once (measured: the old one gave no sample for 5 s after a restart,
    // and a schedule's next step came first: fault.restart-kafka.no-evidence, 4 Dec).
    await tb.cluster.kafka.closeAdmin().catch(() => undefined);
    await sampleLagSoon(tb);
    // The JobWatcher samples on, once a second, through the fault's aftermath.
    await recordKafkaClientErrors(tb, began);
  }
}

/**
 * Kafka client errors in the Flink nodes' logs at or after `sinceMs`, as
 * 'log-evidence' events stamped with the line's own time. Never throws: a node
 * whose log cannot be read gives no evidence, and the rule says so.
 */
export async function recordKafkaClientErrors(tb: Testbed, sinceMs: number): Promise<void> {
  for (const node of [tb.cluster.jobManager, ...tb.cluster.taskManagers]) {
    const log = await node.logs().catch(() => '');
    for (const l of kafkaClientErrors(log, sinceMs)) {
      try {
        tb.history.logEvidence(node.name, `kafka-client ${l.what}`, l.line, l.at);
      } catch {
        return; // the history was judged already
      }
    }
  }
}

/** The job's consumer lag on the input topic now: end offsets minus the group's committed offsets (committed on each checkpoint). */
export async function consumerLag(cluster: Cluster): Promise<number> {
  const admin = await cluster.kafka.admin();
  const [ends, committed] = await Promise.all([
    cluster.kafka.endOffsets(INPUT_TOPIC),
    admin.fetchOffsets({ groupId: JOB_GROUP_ID, topics: [INPUT_TOPIC] }),
  ]);
  const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  let lag = 0n;
  for (const [partition, end] of ends) {
    const c = at.get(partition) ?? -1n;
    lag += end - (c < 0n ? 0n : c);
  }
  return Number(lag);
}

/** One lag sample into the history; bounded (5 s), never throws. True when a sample landed. */
export async function sampleLag(tb: Testbed): Promise<boolean> {
  try {
    const lag = await withTimeout(consumerLag(tb.cluster), 5_000, 'a consumer-lag sample');
    tb.history.metric('', INPUT_TOPIC, CONSUMER_LAG, lag);
    return true;
  } catch {
    // the broker not answering (yet) gives no sample; the rule says when samples are missing
    return false;
  }
}

/**
 * A lag sample just after a broker fault, retried while the broker comes back
 * (bounded, never throws): the evidence rule needs one after the fault, and
 * the next step of a schedule may begin within seconds.
 */
export async function sampleLagSoon(tb: Testbed, timeoutMs = 10_000): Promise<void> {
  await waitFor('a consumer-lag sample after the broker fault', async () => ((await sampleLag(tb)) ? true : undefined), { timeoutMs, intervalMs: 500 }).catch(() => undefined);
}
