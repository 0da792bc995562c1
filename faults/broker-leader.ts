import type { KafkaBroker, KafkaBrokerNode, PartitionState } from '../containers/kafka-broker.js';
import { disconnect, reconnect, type Attachment } from '../containers/networks.js';
import { requireTopology } from '../containers/topology.js';
import { WaitTimeout, waitFor } from '../containers/wait.js';
import { recordKafkaClientErrors, sampleLag } from './broker.js';
import { sampleSourcePosition } from './source-position.js';
import { recorded, type Testbed } from './context.js';

// Faults of a replicated Kafka (topology brokers: 3), named for their target:
// the leader of an output partition, the transaction coordinator of the
// exactly-once sink's transactional id, every broker in turn, one broker cut
// from the others. Each records, besides the fault, a 'check' event with what
// the brokers' metadata showed before and after (KAFKA_METADATA_CHECK), and
// the Kafka client errors the Flink nodes logged: assertions/broker-leader-evidence.ts
// judges them with the checkpoints that followed (the sink's transactions
// commit on checkpoints).

/** The check each fault here leaves: `data.target` is the fault's target, `data.before` / `data.after` what moved. */
export const KAFKA_METADATA_CHECK = 'kafka-metadata';
export const REPLICATED_KAFKA_FAULTS = [
  'kill-partition-leader',
  'pause-partition-leader',
  'kill-transaction-coordinator',
  'pause-transaction-coordinator',
  'rolling-restart-kafka',
  'isolate-broker',
] as const;
export type ReplicatedKafkaFault = (typeof REPLICATED_KAFKA_FAULTS)[number];
/** Ends a pause-partition-leader / pause-transaction-coordinator (the broker is frozen until then). */
export const UNPAUSE_BROKER = 'unpause-broker';
/** Ends an isolate-broker (the broker back on its network). */
export const RECONNECT_BROKER = 'reconnect-broker';

/** How long the brokers' metadata may take to show the move (KRaft fences a silent broker after 6 s; see QUORUM_PROPERTIES). */
const METADATA_MOVE_MS = 60_000;

const need3 = (tb: Testbed, fault: string) => requireTopology(tb.cluster.topology, { brokers: 3 }, fault);

/** The broker that leads `topic`-`partition` now. */
export async function partitionLeader(kafka: KafkaBroker, topic: string, partition: number): Promise<{ broker: KafkaBrokerNode; state: PartitionState }> {
  const state = (await kafka.partitions(topic)).find((p) => p.partition === partition);
  if (!state || state.leader < 0) throw new Error(`${topic}-${partition} has no leader now`);
  return { broker: kafka.broker(state.leader), state };
}

/**
 * The coordinator of the sink's newest transaction of `prefix`: an open one if
 * there is, else the last listed. kafka-transactions.sh asks FindCoordinator
 * (key type TRANSACTION) and DescribeTransactions for us: kafkajs has no public
 * call for either, and the tool is the broker's own answer, already parsed.
 */
export async function transactionCoordinator(kafka: KafkaBroker, prefix: string): Promise<{ broker: KafkaBrokerNode; transactionalId: string }> {
  // The sink names a transaction <prefix>-<subtask>-<checkpoint>: the highest number is the newest.
  const seq = (id: string) => Number(/-(\d+)$/.exec(id)?.[1] ?? -1);
  const all = (await kafka.transactions()).filter((t) => t.transactionalId.startsWith(prefix)).sort((a, b) => seq(a.transactionalId) - seq(b.transactionalId));
  const pick = all.filter((t) => t.state === 'Ongoing').at(-1) ?? all.at(-1);
  if (!pick) throw new Error(`no transactional id of ${prefix}* is known to the brokers yet: the sink has not written`);
  const d = await kafka.describeTransaction(pick.transactionalId);
  return { broker: kafka.broker(d.coordinatorId), transactionalId: pick.transactionalId };
}

/** SIGKILL of the leader of `topic`-`partition`; waits (bounded) until the metadata names another leader. Start it again with restartBroker. */
export async function killPartitionLeader(tb: Testbed, topic = 'output', partition = 0): Promise<KafkaBrokerNode> {
  need3(tb, 'kill-partition-leader');
  const { broker, state } = await partitionLeader(tb.cluster.kafka, topic, partition);
  const began = await brokerFault(tb, 'kill-partition-leader', broker, `${topic}-${partition} leader ${state.leader}`, () => broker.node.kill());
  await recordMove(tb, began, broker, `${topic}-${partition} leader`, state.leader, async () => (await partitionLeader(tb.cluster.kafka, topic, partition)).state.leader);
  return broker;
}

/** `docker pause` of the leader of `topic`-`partition` for `pausedMs`, then unpause: a broker that hangs, its connections open. */
export async function pausePartitionLeader(tb: Testbed, pausedMs: number, topic = 'output', partition = 0): Promise<KafkaBrokerNode> {
  need3(tb, 'pause-partition-leader');
  const { broker, state } = await partitionLeader(tb.cluster.kafka, topic, partition);
  const began = await brokerFault(tb, 'pause-partition-leader', broker, `${topic}-${partition} leader ${state.leader}`, () => broker.node.pause());
  // Where the job's source stood when the leader went, and again before it answers: whether the job read through it.
  await sampleSourcePosition(tb, topic, partition, [broker.nodeId]);
  try {
    // Read through the others: the paused one accepts connections and never answers.
    const leaderNow = async () => (await tb.cluster.kafka.partitionsAvoiding(topic, [broker.nodeId])).find((p) => p.partition === partition)?.leader ?? -1;
    await recordMove(tb, began, broker, `${topic}-${partition} leader`, state.leader, leaderNow, pausedMs);
  } finally {
    await sampleSourcePosition(tb, topic, partition, [broker.nodeId]);
    await recorded(tb, 'operation', UNPAUSE_BROKER, broker.node.name, () => broker.node.unpause());
  }
  return broker;
}

/** SIGKILL of the transaction coordinator of the sink's newest transactional id of `prefix`; waits until another broker coordinates it. */
export async function killTransactionCoordinator(tb: Testbed, prefix: string): Promise<KafkaBrokerNode> {
  need3(tb, 'kill-transaction-coordinator');
  const { broker, transactionalId } = await transactionCoordinator(tb.cluster.kafka, prefix);
  const began = await brokerFault(tb, 'kill-transaction-coordinator', broker, `coordinator of ${transactionalId}`, () => broker.node.kill());
  // Short tool calls: one call that waits out the admin client's 60 s on the dead coordinator would spend the whole move wait (seen).
  await recordMove(tb, began, broker, `coordinator of ${transactionalId}`, broker.nodeId, async () => (await tb.cluster.kafka.describeTransaction(transactionalId, 10)).coordinatorId);
  return broker;
}

/** `docker pause` of that coordinator for `pausedMs`, then unpause. */
export async function pauseTransactionCoordinator(tb: Testbed, prefix: string, pausedMs: number): Promise<KafkaBrokerNode> {
  need3(tb, 'pause-transaction-coordinator');
  const { broker, transactionalId } = await transactionCoordinator(tb.cluster.kafka, prefix);
  const began = await brokerFault(tb, 'pause-transaction-coordinator', broker, `coordinator of ${transactionalId}`, () => broker.node.pause());
  try {
    await recordMove(tb, began, broker, `coordinator of ${transactionalId}`, broker.nodeId, async () => (await tb.cluster.kafka.describeTransaction(transactionalId, 10)).coordinatorId, pausedMs);
  } finally {
    await recorded(tb, 'operation', UNPAUSE_BROKER, broker.node.name, () => broker.node.unpause());
  }
  return broker;
}

/** Starts a broker a fault stopped and waits until it is back in the ISR of every partition of `topics`. */
export async function restartBroker(tb: Testbed, broker: KafkaBrokerNode, topics: readonly string[] = ['input', 'output']): Promise<void> {
  await recorded(tb, 'operation', 'start-broker', broker.node.name, async () => {
    await broker.node.start();
    await waitInSync(tb.cluster.kafka, broker, topics);
  });
}

/**
 * Every broker in turn: graceful stop (SIGTERM, its leaderships handed over
 * first), start, and back in the ISR of every partition before the next.
 * One fault; a metadata check per broker.
 */
export async function rollingRestartKafka(tb: Testbed, topics: readonly string[] = ['input', 'output']): Promise<void> {
  need3(tb, 'rolling-restart-kafka');
  const kafka = tb.cluster.kafka;
  const began = await brokerFault(tb, 'rolling-restart-kafka', undefined, `${kafka.brokers.length} brokers`, async () => {
    for (const b of kafka.brokers) {
      const before = leadersOf(await kafka.partitions('output'), b.nodeId);
      await b.node.stop(30);
      await b.node.start();
      const back = await waitInSync(kafka, b, topics).then(() => true, () => false);
      tb.history.check(KAFKA_METADATA_CHECK, back, back ? `${b.node.name} restarted and back in sync` : `${b.node.name} restarted but not back in the ISR of ${topics.join(', ')}`, {
        target: 'all brokers',
        broker: b.nodeId,
        ledBefore: before,
        rejoined: back,
      });
      if (!back) throw new Error(`${b.node.name} did not rejoin the ISR after its restart`);
    }
  });
  await recordKafkaClientErrors(tb, began);
}

/**
 * Cuts one broker from the Kafka network (`docker network disconnect`): the
 * other brokers and Flink lose it, it loses the quorum (and with it its
 * leaderships: the controller fences it). `heal()` reconnects it with its names.
 */
export async function isolateBroker(tb: Testbed, nodeId: number): Promise<{ broker: KafkaBrokerNode; heal: () => Promise<void> }> {
  need3(tb, 'isolate-broker');
  const kafka = tb.cluster.kafka;
  const broker = kafka.broker(nodeId);
  const network = tb.cluster.networks.kafka;
  let attachment: Attachment | undefined;
  const led = leadersOf(await kafka.partitions('output'), nodeId);
  const began = await brokerFault(tb, 'isolate-broker', broker, `from ${network}`, async () => {
    attachment = await disconnect(broker.node, network);
  });
  // The others fence it: it drops out of every ISR (read through a broker that still answers).
  const moved = await waitFor(
    `${broker.node.name} out of the ISR of output`,
    async (seen) => {
      const parts = await kafka.partitions('output').catch(() => []);
      seen(parts.map((p) => `p${p.partition} leader ${p.leader} isr ${p.isr.join(',')}`).join('; '));
      return parts.length > 0 && parts.every((p) => !p.isr.includes(nodeId)) ? parts : undefined;
    },
    { timeoutMs: METADATA_MOVE_MS, intervalMs: 500 },
  ).catch(() => undefined);
  tb.history.check(KAFKA_METADATA_CHECK, moved !== undefined, moved ? `${broker.node.name} left every ISR of output; it led ${led.length} partition(s)` : `${broker.node.name} still in an ISR of output after ${METADATA_MOVE_MS / 1000} s`, {
    target: broker.node.name,
    what: 'isr membership',
    before: led,
    after: moved?.map((p) => ({ partition: p.partition, leader: p.leader, isr: p.isr })),
  });
  let healed = false;
  const heal = async () => {
    if (healed || !attachment) return;
    healed = true;
    await recorded(tb, 'operation', RECONNECT_BROKER, broker.node.name, () => reconnect(broker.node, attachment!));
    await waitInSync(kafka, broker, ['input', 'output']).catch(() => undefined);
    await recordKafkaClientErrors(tb, began);
  };
  return { broker, heal };
}

function leadersOf(parts: readonly PartitionState[], nodeId: number): number[] {
  return parts.filter((p) => p.leader === nodeId).map((p) => p.partition);
}

/** Records the fault around `act`; returns when it began (the Flink logs are read from then on, once the move is seen). */
async function brokerFault(tb: Testbed, name: ReplicatedKafkaFault, broker: KafkaBrokerNode | undefined, detail: string, act: () => Promise<void>): Promise<number> {
  await sampleLag(tb);
  const began = Date.now();
  try {
    await recorded(tb, 'fault', name, broker?.node.name ?? 'all brokers', act, () => detail);
  } finally {
    // Its connections may lead to the broker the fault took.
    await tb.cluster.kafka.closeAdmin();
  }
  return began;
}

/**
 * Waits (bounded) until `read` names another broker than `before`, and at
 * least `holdMs` since the fault; records what it saw and the Flink nodes'
 * Kafka client errors since the fault began.
 */
async function recordMove(tb: Testbed, since: number, broker: KafkaBrokerNode, what: string, before: number, read: () => Promise<number>, holdMs = 0): Promise<void> {
  let lastSeen = '';
  const after = await waitFor(
    `${what} to move off broker ${before}`,
    async (seen) => {
      const now = await read().catch((e) => (seen(String((e as Error).message).slice(0, 120)), undefined));
      if (now !== undefined) seen(`${what}: ${now}`);
      return now !== undefined && now >= 0 && now !== before ? now : undefined;
    },
    { timeoutMs: METADATA_MOVE_MS, intervalMs: 500 },
  ).catch((e) => {
    lastSeen = e instanceof WaitTimeout ? e.lastSeen : String(e);
    return undefined;
  });
  const wait = since + holdMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  tb.history.check(KAFKA_METADATA_CHECK, after !== undefined, after !== undefined ? `${what} moved from broker ${before} to ${after}` : `${what} still broker ${before} after ${METADATA_MOVE_MS / 1000} s (last seen: ${lastSeen})`, {
    target: broker.node.name,
    what,
    before,
    ...(after !== undefined ? { after } : {}),
  });
  await recordKafkaClientErrors(tb, since);
}

/** Until `broker` is in the ISR of every partition of `topics` (bounded: 90 s). */
async function waitInSync(kafka: KafkaBroker, broker: KafkaBrokerNode, topics: readonly string[]): Promise<void> {
  await waitFor(
    `${broker.node.name} back in the ISR of ${topics.join(', ')}`,
    async (seen) => {
      await kafka.closeAdmin();
      const parts = (await Promise.all(topics.map((t) => kafka.partitions(t)))).flat();
      const out = parts.filter((p) => !p.isr.includes(broker.nodeId));
      seen(out.length ? `not in the ISR of ${out.map((p) => `${p.topic}-${p.partition}`).join(', ')}` : 'in sync');
      return out.length === 0 ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );
}
