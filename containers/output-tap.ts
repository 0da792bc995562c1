import { type Consumer, type Kafka } from 'kafkajs';
import type { OutputRecord } from '../history/types.js';
import { waitFor, type WaitOptions } from './wait.js';

/**
 * Reads a topic from the beginning for the whole scenario and keeps every
 * record as read (raw bytes, partition, offset, arrival time). `drain()`
 * waits until the tap has passed the topic's current end on every partition.
 */
export class OutputTap {
  readonly records: OutputRecord[] = [];
  /** Per partition: the next offset to read (last batch offset + 1), control records included. */
  private readonly position = new Map<number, bigint>();
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly isolation: 'read_committed' | 'read_uncommitted',
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer({
      groupId: `harness-tap-${this.topic}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      readUncommitted: this.isolation === 'read_uncommitted',
      maxWaitTimeInMs: 250,
      sessionTimeout: 30_000,
      retry: { retries: 30, maxRetryTime: 5_000 },
    });
    // A fetch that holds only transaction markers or aborted records never reaches
    // eachBatch (kafkajs filters them out) but still ends a batch: advance past it
    // here, or a read_committed reader never "reaches" an end offset behind a commit marker.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== this.topic || payload.lastOffset === null || payload.lastOffset === undefined) return;
      const next = BigInt(payload.lastOffset) + 1n;
      if (next > (this.position.get(payload.partition) ?? 0n)) this.position.set(payload.partition, next);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          this.records.push({ partition: batch.partition, offset: m.offset, value: m.value ? new Uint8Array(m.value) : null, arrivalMs: now });
        }
        // lastOffset() covers transaction markers, which a message offset never reaches.
        const next = BigInt(batch.lastOffset()) + 1n;
        if (next > (this.position.get(batch.partition) ?? 0n)) this.position.set(batch.partition, next);
      },
    });
    return this;
  }

  /** Waits until the tap has read everything below `ends` (partition -> end offset). */
  async drain(ends: Map<number, bigint>, options: WaitOptions): Promise<void> {
    await waitFor(
      `the output reader to reach the end of '${this.topic}'`,
      async (seen) => {
        const behind = [...ends].filter(([p, end]) => end > 0n && (this.position.get(p) ?? 0n) < end);
        seen(`${this.records.length} records read; behind on ${behind.map(([p, e]) => `p${p} at ${this.position.get(p) ?? 0n}/${e}`).join(', ') || 'none'}`);
        return behind.length === 0 ? true : undefined;
      },
      options,
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }
}
