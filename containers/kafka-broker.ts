import { Kafka, logLevel, type Admin } from 'kafkajs';
import pRetry from 'p-retry';
import type { PartitionTransactionLog, TransactionDescription, TransactionListing } from '../history/transactions.js';
import {
  isOpenTransactionState,
  parseTransactionDescription,
  parseTransactionList,
  TransactionLogTally,
  type DecodedRecord,
} from './kafka-transactions.js';
import { OutputTap } from './output-tap.js';
import { StopWaiting, waitFor } from './wait.js';
import type { NodeHandle } from './node-handle.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/**
 * Per-topic settings of `output`. The broker stamps each record with its own
 * append time (OutputRecord.appendMs: when Flink's sink wrote it, whatever the
 * reader's lag), and nothing is ever deleted (the event time starts in 1970;
 * with LogAppendTime retention would count from the append instead, but the
 * oracle needs every record: no retention at all, as the broker's default).
 */
export const OUTPUT_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'message.timestamp.type': 'LogAppendTime',
  'retention.ms': '-1',
  'retention.bytes': '-1',
};

/** Kafka's ListOffsets isolation levels (protocol values). */
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

/** kafkajs's internal cluster, for the requests its admin cannot make: offsets with a chosen isolation level, raw fetches. */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>;
  fetchTopicsOffset(topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<
    { topic: string; partitions: { partition: number; offset: string }[] }[]
  >;
}

/** A broker connection of kafkajs's internal cluster: a Fetch whose records keep their batch's attributes. */
interface KafkajsBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: { partition: number; messages: FetchedRecord[] }[] }[] }>;
}

type FetchedRecord = DecodedRecord & { batchContext: { firstOffset: string; lastOffsetDelta: number } };

/** Where Kafka's own tools are in the broker image (containers/images/kafka: kafka-tools on the broker's classpath). */
const TOOLS = ['java', '-Xmx128m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', '/opt/kafka/libs/*'];

/** One node of the Kafka cluster: its container, KRaft node id and names. */
export interface KafkaBrokerNode {
  node: NodeHandle;
  /** KRaft node id = broker id (what metadata names as leader, replica, coordinator). */
  nodeId: number;
  /** Its own name on the network (`kafka`, or `kafka-1`..). */
  alias: string;
  /** 127.0.0.1:<fixed port>, its advertised EXTERNAL listener. */
  external: string;
  /** <alias>:9092 on the network. */
  internal: string;
  /** Its FLINK listener behind the proxy (toxiproxy:<port> -> <alias>:29092), when Flink's traffic goes through one. */
  proxied?: { port: number; upstream: string };
}

/** A partition as the brokers' metadata describes it now. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/**
 * The Kafka cluster as the harness sees it from the host: admin, clients,
 * topic ends, readers. One broker (the playground's), or a KRaft quorum of
 * several: `node` is the first, `brokers` all of them.
 */
export class KafkaBroker {
  readonly kafka: Kafka;
  private adminClient?: Admin;
  readonly brokers: readonly KafkaBrokerNode[];

  constructor(
    readonly node: NodeHandle,
    /** 127.0.0.1:<fixed port>[,...]: fixed so a restarted broker keeps its advertised address. */
    readonly bootstrapServers: string,
    /** How containers on the cluster network reach it. */
    readonly internalBootstrapServers: string,
    /** Every node, when there are several (default: `node` alone, id 1). */
    brokers?: readonly KafkaBrokerNode[],
    /** What Flink's job is given as bootstrap.servers (every broker; through the proxy when there is one). */
    readonly flinkBootstrapServers: string = internalBootstrapServers,
  ) {
    this.brokers = brokers ?? [{ node, nodeId: 1, alias: 'kafka', external: bootstrapServers, internal: internalBootstrapServers }];
    this.kafka = new Kafka({
      clientId: 'flink-harness',
      brokers: bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  /** The node with KRaft id `nodeId`. */
  broker(nodeId: number): KafkaBrokerNode {
    const b = this.brokers.find((n) => n.nodeId === nodeId);
    if (!b) throw new Error(`no broker with node id ${nodeId} (have ${this.brokers.map((n) => n.nodeId).join(', ')})`);
    return b;
  }

  /** Leader, replicas and in-sync replicas of each partition of `topic`, from the brokers' metadata. */
  async partitions(topic: string): Promise<PartitionState[]> {
    const admin = await this.admin();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return (topics[0]?.partitions ?? [])
      .map((p) => ({ topic, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * The same, read through a short-lived client that knows only the brokers
   * not in `avoid`: a paused broker still accepts connections and never
   * answers, so a client that picks it (the shared one may) waits out its
   * timeouts. Short timeouts, no retries: the caller polls.
   */
  async partitionsAvoiding(topic: string, avoid: readonly number[]): Promise<PartitionState[]> {
    return this.probeAvoiding(avoid, async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return (topics[0]?.partitions ?? [])
        .map((p) => ({ topic, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  /** The end offset per partition, asked only of the brokers not in `avoid` (a paused one would hold the request). */
  async endOffsetsAvoiding(topic: string, avoid: readonly number[]): Promise<Map<number, bigint>> {
    return this.probeAvoiding(avoid, async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)])));
  }

  /** A short-lived admin client that knows only the brokers not in `avoid`; no retries, short timeouts. */
  private async probeAvoiding<T>(avoid: readonly number[], ask: (admin: Admin) => Promise<T>): Promise<T> {
    const brokers = this.brokers.filter((b) => !avoid.includes(b.nodeId)).map((b) => b.external);
    if (brokers.length === 0) throw new Error(`no broker left to ask once ${avoid.join(', ')} are avoided`);
    const admin = new Kafka({ clientId: 'flink-harness-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      return await ask(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      this.adminClient = this.kafka.admin();
      await this.adminClient.connect();
    }
    return this.adminClient;
  }

  /**
   * Creates topics; `configs[topic]` holds per-topic settings (e.g. OUTPUT_TOPIC_CONFIG).
   * One replica per broker; with several, min.insync.replicas = brokers - 1
   * (RF=3, min ISR 2: an acknowledged write survives the loss of one broker).
   */
  async createTopics(names: string[], partitions = 2, configs: Record<string, Readonly<Record<string, string>>> = {}): Promise<void> {
    const admin = await this.admin();
    const n = this.brokers.length;
    const replicated: Record<string, string> = n > 1 ? { 'min.insync.replicas': String(n - 1) } : {};
    const create = () =>
      admin.createTopics({
        topics: names.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: n,
          configEntries: Object.entries({ ...replicated, ...configs[topic] }).map(([name, value]) => ({ name, value })),
        })),
        waitForLeaders: true,
      });
    // Just after a KRaft start a broker can answer Metadata with controller id -1
    // (it has not yet seen the quorum's leader); kafkajs then gives up at once with
    // "Broker -1 not found" (two fresh-machine CI failures). And the controller can
    // accept CreateTopics before the broker's metadata cache lists the topic: kafkajs's
    // wait for leaders retries only LEADER_NOT_AVAILABLE and gives up on
    // UNKNOWN_TOPIC_OR_PARTITION (a CI failure, broker-outage). Only those are retried
    // (a second CreateTopics of our own topics is TOPIC_ALREADY_EXISTS, which kafkajs
    // answers with false; leaders are then awaited here); any other error is kafkajs's
    // own answer.
    const notYet = (e: unknown): boolean => {
      const err = e as { name?: string; type?: string };
      return (
        err.name === 'KafkaJSBrokerNotFound' ||
        err.name === 'KafkaJSMetadataNotLoaded' ||
        (err.name === 'KafkaJSProtocolError' && err.type === 'UNKNOWN_TOPIC_OR_PARTITION')
      );
    };
    let fatal: unknown;
    await waitFor(
      `a Kafka controller to create ${names.join(', ')}`,
      async (seen) => {
        try {
          // false: the topics exist from an earlier attempt, whose wait for leaders gave up.
          const leaderless = (await create()) ? [] : await this.leaderless(names);
          if (leaderless.length === 0) return true;
          seen(`no leader yet for ${leaderless.join(', ')}`);
          return undefined;
        } catch (e) {
          if (!notYet(e)) {
            fatal = e;
            throw new StopWaiting(String((e as Error).message));
          }
          seen(`${(e as Error).name}: ${(e as Error).message}`);
          return undefined;
        }
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((e) => {
      throw fatal ?? e;
    });
  }

  /** The partitions of `names` without a leader yet (throws UNKNOWN_TOPIC_OR_PARTITION while the broker does not list a topic). */
  private async leaderless(names: string[]): Promise<string[]> {
    const { topics } = await (await this.admin()).fetchTopicMetadata({ topics: names });
    return topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}-${p.partitionId}`));
  }

  /**
   * End offsets per partition as a read_committed reader sees them: kafkajs's
   * admin asks ListOffsets with READ_COMMITTED, so this is the last stable
   * offset, which an open transaction holds below the high watermark. Use
   * highWatermarks() for the log's true end.
   */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.admin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /** The high watermark per partition: the end of the log, uncommitted transactional records included. */
  highWatermarks(topic: string): Promise<Map<number, bigint>> {
    return this.listEndOffsets(topic, READ_UNCOMMITTED);
  }

  /** The last stable offset per partition: below it, every transaction has ended (what read_committed can read). */
  lastStableOffsets(topic: string): Promise<Map<number, bigint>> {
    return this.listEndOffsets(topic, READ_COMMITTED);
  }

  private listEndOffsets(topic: string, isolationLevel: number): Promise<Map<number, bigint>> {
    return this.withCluster(isolationLevel, async (cluster) => {
      await cluster.addTargetTopic(topic);
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      const [offsets] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
      return new Map((offsets?.partitions ?? []).map((o) => [o.partition, BigInt(o.offset)]));
    });
  }

  /**
   * How every partition of `topic` was written, read from its record batches
   * (read_uncommitted, log start to high watermark, control batches
   * included): records outside transactions, the producers of transactional
   * batches, COMMIT and ABORT markers. A Fetch of its own, not a consumer:
   * kafkajs's consumer drops control records and hides fetches that hold
   * only markers. Throws when a partition cannot be read to its end.
   */
  transactionLog(topic: string): Promise<PartitionTransactionLog[]> {
    return this.withCluster(READ_UNCOMMITTED, async (cluster) => {
      await cluster.addTargetTopic(topic);
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      const offsets = async (fromBeginning: boolean) => {
        const [o] = await cluster.fetchTopicsOffset([{ topic, fromBeginning, partitions }]);
        return new Map((o?.partitions ?? []).map((x) => [x.partition, BigInt(x.offset)]));
      };
      const [starts, ends] = [await offsets(true), await offsets(false)];
      const logs: PartitionTransactionLog[] = [];
      for (const { partition } of [...partitions].sort((a, b) => a.partition - b.partition)) {
        const from = starts.get(partition) ?? 0n;
        const to = ends.get(partition) ?? 0n;
        const tally = new TransactionLogTally(partition, from);
        let next = from;
        let empty = 0;
        while (next < to) {
          const fresh = (await fetchRecords(cluster, topic, partition, next)).filter((r) => BigInt(r.offset) >= next);
          if (fresh.length === 0) {
            if (++empty >= 20) throw new Error(`${topic}-${partition}: no record at offset ${next} in 20 fetches (high watermark ${to})`);
            continue;
          }
          empty = 0;
          for (const r of fresh) if (BigInt(r.offset) < to) tally.add(r);
          // The end of the last batch: a compacted batch's last offsets hold no record.
          const last = fresh[fresh.length - 1]!.batchContext;
          next = BigInt(last.firstOffset) + BigInt(last.lastOffsetDelta) + 1n;
        }
        logs.push(tally.result(to));
      }
      return logs;
    });
  }

  // kafkajs's admin has no isolation setting (it always asks READ_COMMITTED) and
  // no raw fetch; its internal cluster has both. kafkajs is pinned (2.2.4, no
  // release since), so this private entry point does not move; it fails loudly if it ever does.
  private async withCluster<T>(isolationLevel: number, use: (cluster: KafkajsCluster) => Promise<T>): Promise<T> {
    const create = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const factory = create && (this.kafka as unknown as Record<symbol, unknown>)[create];
    if (typeof factory !== 'function') throw new Error('kafkajs has no private createCluster any more: read offsets and batches another way');
    const cluster = (factory as (o: object) => KafkajsCluster)({ isolationLevel, metadataMaxAge: 300_000, allowAutoTopicCreation: false });
    await cluster.connect();
    try {
      return await use(cluster);
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  /**
   * Every transactional id the broker knows, with its state (`kafka-transactions.sh list`,
   * run in the broker container: kafkajs has no ListTransactions).
   */
  async transactions(): Promise<TransactionListing[]> {
    return parseTransactionList(await this.transactionsTool(['list']));
  }

  /** `kafka-transactions.sh describe --transactional-id <id>`: state, start time, partitions. */
  async describeTransaction(transactionalId: string, timeoutS?: number): Promise<TransactionDescription> {
    return parseTransactionDescription(await this.transactionsTool(['describe', '--transactional-id', transactionalId], timeoutS));
  }

  /** Transactions of ids starting with `prefix` that are still open, described; from `listing` when the caller has just listed them. */
  async openTransactions(prefix: string, listing?: readonly TransactionListing[]): Promise<TransactionDescription[]> {
    const open = (listing ?? (await this.transactions())).filter((t) => t.transactionalId.startsWith(prefix) && isOpenTransactionState(t.state));
    const described: TransactionDescription[] = [];
    for (const t of open) described.push(await this.describeTransaction(t.transactionalId));
    // Listed open, but it may have ended between the two calls.
    return described.filter((d) => isOpenTransactionState(d.state));
  }

  private async transactionsTool(args: string[], timeoutS = 60): Promise<string> {
    // The tool's admin client would wait 60 s for an unreachable broker; `timeout` bounds the whole call.
    // Bootstrapped from the brokers that run: a killed one in the list costs the tool its timeouts.
    const running: string[] = [];
    for (const b of this.brokers) if (await b.node.isRunning()) running.push(b.internal);
    const cmd = ['timeout', String(timeoutS), ...TOOLS, 'org.apache.kafka.tools.TransactionsCommand',
      '--bootstrap-server', running.length ? running.join(',') : this.internalBootstrapServers, ...args];
    const r = await (await this.runningBroker()).started.exec(cmd);
    if (r.exitCode !== 0) {
      throw new Error(`kafka-transactions.sh ${args.join(' ')} exited ${r.exitCode}${r.exitCode === 124 ? ` (timed out after ${timeoutS} s)` : ''}: ${(r.stderr || r.stdout).trim().slice(0, 1_000)}`);
    }
    return r.stdout;
  }

  /** A broker container that runs now, to run Kafka's tools in (the first may be the one a fault stopped). */
  async runningBroker(): Promise<NodeHandle> {
    for (const b of this.brokers) if (await b.node.isRunning()) return b.node;
    throw new Error(`no Kafka broker is running (${this.brokers.map((b) => b.node.name).join(', ')})`);
  }

  /** A reader that follows `topic` from the beginning (see OutputTap). */
  tap(topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed', retries?: number): Promise<OutputTap> {
    return new OutputTap(this.kafka, topic, isolation, retries).start();
  }

  /** Restart the broker with its data kept (its log dir lives in the container). */
  async restart(): Promise<void> {
    await this.closeAdmin();
    await this.node.restart(30);
  }

  /**
   * Stop the broker (graceful), keep it down for `downMs`, start it again; its
   * data kept. `whileDown` runs once it is stopped.
   */
  async outage(downMs: number, whileDown?: () => void): Promise<void> {
    await this.closeAdmin();
    await this.node.stop(30);
    whileDown?.();
    await new Promise((r) => setTimeout(r, downMs));
    await this.node.start();
  }

  async closeAdmin(): Promise<void> {
    await this.adminClient?.disconnect().catch(() => undefined);
    this.adminClient = undefined;
  }
}

/** One Fetch of `topic`-`partition` from `offset` at its leader (read_uncommitted); retried on a moved leader or a lost connection. */
function fetchRecords(cluster: KafkajsCluster, topic: string, partition: number, offset: bigint): Promise<FetchedRecord[]> {
  return pRetry(
    async () => {
      const nodeId = Object.keys(cluster.findLeaderForPartitions(topic, [partition]))[0];
      if (nodeId === undefined) throw new Error(`${topic}-${partition} has no leader`);
      const broker = await cluster.findBroker({ nodeId });
      const { responses } = await broker.fetch({
        replicaId: -1,
        isolationLevel: READ_UNCOMMITTED,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 8 << 20,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 4 << 20 }] }],
      });
      return responses.find((t) => t.topicName === topic)?.partitions.find((p) => p.partition === partition)?.messages ?? [];
    },
    { retries: 3, minTimeout: 300, maxTimeout: 2_000, onFailedAttempt: () => cluster.refreshMetadata().catch(() => undefined) },
  );
}
