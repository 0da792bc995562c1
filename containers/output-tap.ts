import { type Consumer, type Kafka } from 'kafkajs';
import type { OutputRecord } from '../history/types.js';
import pRetry from 'p-retry';
import { StopWaiting, waitFor, type WaitOptions } from './wait.js';

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
  private reconnectCount = 0;
  private stopped = false;
  /** Set when the reader could not be started again: drain() reports it rather than timing out silently. */
  private failure?: unknown;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    readonly isolation: 'read_committed' | 'read_uncommitted',
    /** Retries of the Kafka client before it gives up and the tap starts a new reader. */
    private readonly retries = 30,
  ) {}

  async start(): Promise<this> {
    await this.connect();
    return this;
  }

  /** How often the reader had to be started anew after its client gave up (broker restarts). */
  get reconnects(): number {
    return this.reconnectCount;
  }

  private async connect(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `harness-tap-${this.topic}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      readUncommitted: this.isolation === 'read_uncommitted',
      maxWaitTimeInMs: 250,
      sessionTimeout: 30_000,
      // kafkajs's own restart after a crash would re-read from the beginning
      // with no say of ours; the tap restarts its reader itself (below).
      retry: { retries: this.retries, maxRetryTime: 5_000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    // A fetch that holds only transaction markers or aborted records never reaches
    // eachBatch (kafkajs filters them out) but still ends a batch: advance past it
    // here, or a read_committed reader never "reaches" an end offset behind a commit marker.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== this.topic || payload.lastOffset === null || payload.lastOffset === undefined) return;
      this.advance(payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    // A broker restart or outage can make kafkajs give up on this consumer
    // (a crash, after its retries or on an error it deems final): the tap would
    // then stop reading while the job goes on writing, and the scenario would
    // see output "missing". Start a new reader; the offset filter below drops
    // what was read already.
    consumer.on(consumer.events.CRASH, () => {
      if (this.stopped || this.consumer !== consumer) return;
      void this.restartReader();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        const from = this.position.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          // Offsets below the position were read already: a restarted reader
          // starts from the beginning again, as the tap commits no offsets.
          // Keeping them would fake duplicates.
          if (BigInt(m.offset) < from) continue;
          this.records.push({
            partition: batch.partition,
            offset: m.offset,
            value: m.value ? new Uint8Array(m.value) : null,
            // Only when the job set one (a declared job keyed by its Kafka record key).
            ...(m.key ? { key: new Uint8Array(m.key) } : {}),
            arrivalMs: now,
            ...appendTime(m.timestamp),
          });
        }
        // lastOffset() covers transaction markers, which a message offset never reaches.
        this.advance(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
  }

  /**
   * Drops the current reader and starts a new one, retrying while the broker
   * is away; what a crash of the Kafka client triggers. Public so a scenario
   * can take this path on purpose (during a broker outage).
   */
  async restartReader(): Promise<void> {
    this.reconnectCount++;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    await pRetry(() => (this.stopped ? Promise.resolve() : this.connect()), { retries: 60, minTimeout: 500, maxTimeout: 2_000 }).catch(
      (e: unknown) => (this.failure = e),
    );
  }

  private advance(partition: number, next: bigint): void {
    if (next > (this.position.get(partition) ?? 0n)) this.position.set(partition, next);
  }

  /** The next offset to read per partition (control records included): how far the tap has read. */
  positions(): Map<number, bigint> {
    return new Map(this.position);
  }

  /** Waits until the tap has read everything below `ends` (partition -> end offset). */
  async drain(ends: Map<number, bigint>, options: WaitOptions): Promise<void> {
    await waitFor(
      `the output reader to reach the end of '${this.topic}'`,
      async (seen) => {
        const behind = [...ends].filter(([p, end]) => end > 0n && (this.position.get(p) ?? 0n) < end);
        if (this.failure) throw new StopWaiting(`the output reader stopped and could not be started again: ${String((this.failure as Error)?.message ?? this.failure)}`);
        seen(`${this.records.length} records read${this.reconnectCount ? ` (reader restarted ${this.reconnectCount}x)` : ''}; behind on ${behind.map(([p, e]) => `p${p} at ${this.position.get(p) ?? 0n}/${e}`).join(', ') || 'none'}`);
        return behind.length === 0 ? true : undefined;
      },
      options,
    );
  }

  /**
   * The reader's position against the topic's end, for diagnostics: a reader
   * far behind the end while the job writes is the harness's fault, not Flink's.
   */
  describe(ends: Map<number, bigint>): string {
    const parts = [...ends].map(([p, end]) => `p${p} ${this.position.get(p) ?? 0n}/${end}`).join(', ');
    const health = this.failure ? `stopped: ${String((this.failure as Error)?.message ?? this.failure)}` : this.consumer ? 'reading' : 'restarting';
    return `output reader (${this.isolation}): ${this.records.length} records, at ${parts || 'no partition'}; ${health}; restarted ${this.reconnectCount}x`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }
}

/**
 * The record's broker timestamp as OutputRecord.appendMs. `output` uses
 * LogAppendTime, so kafkajs reports the batch's append time here (the sink's
 * own event-time stamp is overwritten by the broker).
 */
function appendTime(timestamp: string | undefined): { appendMs?: number } {
  const ms = Number(timestamp);
  return timestamp !== undefined && Number.isFinite(ms) && ms >= 0 ? { appendMs: ms } : {};
}
