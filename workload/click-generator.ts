import { type Kafka, type Producer } from 'kafkajs';
import { PAGES, WINDOW_MS } from '../history/types.js';
import { clickAt, encodeClick, EVENTS_PER_WINDOW, PAGE_STEP_MS, partitionOf, type ClickEvent } from './click-event.js';
import { Ledger, MAX_OUT_OF_ORDERNESS_MS } from './ledger.js';

export interface GeneratorOptions {
  topic: string;
  partitions: number;
  /**
   * 'paced': event time follows wall time, like the playground (~400 events/s);
   * 'fast': as fast as the broker acknowledges, compressing event time.
   */
  mode: 'paced' | 'fast';
  /** Stop after this many complete windows; undefined = until stop(). */
  windows?: number;
  /** Event time of the first event (ms); windows are aligned to 15 s. */
  startMs?: number;
  /** Events per send in fast mode. */
  batchSize?: number;
  /** Called after every acknowledged batch (for the history). */
  onProgress?: (total: number, maxTimestampMs: number) => void;
}

/**
 * The playground's click generator, with exact bookkeeping: the ledger counts
 * only what Kafka acknowledged (acks=all, idempotent producer, one request in
 * flight so each partition stays in timestamp order).
 */
export class ClickGenerator {
  readonly ledger: Ledger;
  private next = 0;
  private stopping = false;
  private running?: Promise<void>;
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GeneratorOptions,
  ) {
    this.ledger = new Ledger(options.partitions);
  }

  get startMs(): number {
    return this.options.startMs ?? 0;
  }

  /** Event time (exclusive) of the last window this generator writes, if bounded. */
  get endMs(): number | undefined {
    return this.options.windows === undefined ? undefined : this.startMs + this.options.windows * WINDOW_MS;
  }

  /** Starts writing in the background; `done()` resolves when bounded input is written. */
  start(): this {
    this.running ??= this.loop();
    return this;
  }

  /** Bounded input written (and the closing events), or the error that stopped it. */
  async done(): Promise<void> {
    await this.start().running;
  }

  /** Stops a continuous generator after the current batch and closes its last window. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Writes a record that is not a ClickEvent (the job must skip it; the ledger ignores it). */
  async writeRaw(value: Buffer | string, partition = 0): Promise<void> {
    const p = await this.connect();
    await p.send({ topic: this.options.topic, acks: -1, messages: [{ value, partition }] });
  }

  private async connect(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // Long enough to ride out a broker restart: a failed send would leave
        // the ledger unsure whether Kafka kept the batch.
        retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
      await this.producer.connect();
    }
    return this.producer;
  }

  private async loop(): Promise<void> {
    const producer = await this.connect();
    const total = this.options.windows === undefined ? Infinity : this.options.windows * EVENTS_PER_WINDOW;
    const batch = this.options.batchSize ?? 2_000;
    const began = Date.now();
    try {
      while (this.next < total && !this.stopping) {
        let upTo = Math.min(total, this.next + batch);
        if (this.options.mode === 'paced') {
          // Event time ~ wall time: 6 events per 15 ms tick, about 400 events/s.
          const due = Math.floor((Date.now() - began) / PAGE_STEP_MS) * PAGES.length;
          if (due <= this.next) {
            await sleep(100);
            continue;
          }
          upTo = Math.min(total, due, this.next + batch);
        }
        await this.send(producer, this.next, upTo);
        this.next = upTo;
      }
      // A continuous run ends on a window boundary so every written window can close.
      const boundary = Math.ceil(this.next / EVENTS_PER_WINDOW) * EVENTS_PER_WINDOW;
      if (this.next < boundary) {
        await this.send(producer, this.next, boundary);
        this.next = boundary;
      }
      await this.closeWindows(producer);
    } finally {
      await producer.disconnect().catch(() => undefined);
      this.producer = undefined;
    }
  }

  private async send(producer: Producer, from: number, to: number): Promise<void> {
    const byPartition = new Map<number, ClickEvent[]>();
    for (let i = from; i < to; i++) {
      const p = partitionOf(i, this.options.partitions);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(clickAt(i, this.startMs));
    }
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [...byPartition].flatMap(([partition, events]) =>
        events.map((e) => ({ partition, value: encodeClick(e) })),
      ),
    });
    for (const [partition, events] of byPartition) this.ledger.acknowledge(events, partition);
    const snap = this.ledger.snapshot();
    this.options.onProgress?.(snap.total, snap.maxTimestampMs);
  }

  /**
   * One event per partition just past the last window's end plus the allowed
   * out-of-orderness, so the watermark passes it on every partition and the
   * final window fires. These events open a window that stays unsettled.
   */
  private async closeWindows(producer: Producer): Promise<void> {
    const end = this.startMs + (this.next / EVENTS_PER_WINDOW) * WINDOW_MS;
    const closing: ClickEvent = { timestamp: end + MAX_OUT_OF_ORDERNESS_MS + 1_000, page: PAGES[0] };
    for (let partition = 0; partition < this.options.partitions; partition++) {
      await producer.send({ topic: this.options.topic, acks: -1, messages: [{ partition, value: encodeClick(closing) }] });
      this.ledger.acknowledge([closing], partition);
    }
    const snap = this.ledger.snapshot();
    this.options.onProgress?.(snap.total, snap.maxTimestampMs);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
