import { Kafka, logLevel, type Admin } from 'kafkajs';
import { OutputTap } from './output-tap.js';
import type { NodeHandle } from './node-handle.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/** The broker as the harness sees it from the host: admin, clients, topic ends, readers. */
export class KafkaBroker {
  readonly kafka: Kafka;
  private adminClient?: Admin;

  constructor(
    readonly node: NodeHandle,
    /** 127.0.0.1:<fixed port>: fixed so a restarted broker keeps its advertised address. */
    readonly bootstrapServers: string,
    /** How containers on the cluster network reach it. */
    readonly internalBootstrapServers: string,
  ) {
    this.kafka = new Kafka({
      clientId: 'flink-harness',
      brokers: [bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      this.adminClient = this.kafka.admin();
      await this.adminClient.connect();
    }
    return this.adminClient;
  }

  async createTopics(names: string[], partitions = 2): Promise<void> {
    const admin = await this.admin();
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true });
  }

  /** End offsets (high watermarks) per partition. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.admin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
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
