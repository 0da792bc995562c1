import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { WINDOW_MS } from '../history/types.js';
import { ClickSequence, encodeClick, PLAYGROUND_SHAPE, type ClickEvent, type WorkloadShape } from './click-event.js';
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
  /** Pages (keys) and clicks per page per window; the playground's 6 x 1000 by default. */
  shape?: WorkloadShape;
  /** Events per send (one produce request, split by partition); default 2,000. */
  batchSize?: number;
  /** Sends in flight at once (fast mode); default 1. Each partition's order is kept either way (see send). */
  concurrency?: number;
  /** Record batch compression; default none. kafkajs ships gzip only (snappy and lz4 need a codec package). */
  compression?: 'none' | 'gzip';
  /**
   * 'paced' only: event time advances this many times faster than wall time
   * (default 1, the playground's ~400 events/s). Keeps event time moving
   * through a fault without the playground's 15 s of wall time per window.
   */
  speedup?: number;
  /**
   * Input in phases: after this many complete windows (counted from the
   * start, ascending) the generator holds, without closing the window, until
   * `resume()`. `paused()` resolves when it holds. Used to write input
   * before an operation (stop with savepoint) and more while the job is down.
   * A pause point at or beyond `windows` never holds.
   */
  pauseAfterWindows?: readonly number[];
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
  readonly sequence: ClickSequence;
  private next = 0;
  private stopping = false;
  private running?: Promise<void>;
  private producer?: Producer;
  private pauses: number[];
  private hold?: { reached: () => void; reachedP: Promise<void>; release: () => void; releaseP: Promise<void> };

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GeneratorOptions,
  ) {
    this.sequence = new ClickSequence(options.shape ?? PLAYGROUND_SHAPE, options.startMs ?? 0);
    this.ledger = new Ledger(options.partitions, this.sequence.pageNames);
    const perWindow = this.sequence.eventsPerWindow;
    this.pauses = [...(options.pauseAfterWindows ?? [])].map((w) => w * perWindow).sort((a, b) => a - b);
    this.armHold();
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
    this.hold?.release();
    await this.running;
  }

  /**
   * Resolves when the generator holds at its next pause point (`pauseAfterWindows`),
   * everything before it acknowledged; rejects if it ends or fails first.
   */
  async paused(): Promise<void> {
    const hold = this.hold;
    if (!hold) throw new Error('the generator has no pause point left');
    const ended = this.start().running!.then(() => {
      throw new Error('the generator ended before its pause point');
    });
    ended.catch(() => undefined); // settles after the race too; not an unhandled rejection
    await Promise.race([hold.reachedP, ended]);
  }

  /** Lets a held generator go on to its next pause point or its end. */
  resume(): void {
    const hold = this.hold;
    if (!hold) throw new Error('the generator has no pause point left');
    // Armed before the release, so a `paused()` right after waits for the next point.
    this.pauses.shift();
    this.armHold();
    hold.release();
  }

  private armHold(): void {
    if (this.pauses.length === 0) {
      this.hold = undefined;
      return;
    }
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const releaseP = new Promise<void>((r) => (release = r));
    this.hold = { reached, reachedP, release, releaseP };
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
    const seq = this.sequence;
    const perWindow = seq.eventsPerWindow;
    const total = this.options.windows === undefined ? Infinity : this.options.windows * perWindow;
    const batch = this.options.batchSize ?? 2_000;
    const concurrency = this.options.mode === 'fast' ? Math.max(1, this.options.concurrency ?? 1) : 1;
    const inFlight = new Set<Promise<void>>();
    let failed: unknown;
    let began = Date.now();
    // Wall ms per tick (one event per page) in paced mode.
    const tickMs = seq.tickWallMs / (this.options.speedup ?? 1);
    try {
      while (this.next < total && !this.stopping) {
        const pauseAt = this.pauses[0];
        if (pauseAt !== undefined && this.next >= pauseAt) {
          // Everything before the pause point acknowledged before it counts as reached.
          await this.settle(inFlight);
          const hold = this.hold!;
          hold.reached();
          await hold.releaseP;
          if (this.options.mode === 'paced') began = Date.now() - (this.next / seq.keys) * tickMs;
          continue;
        }
        let upTo = Math.min(total, this.next + batch, pauseAt ?? Infinity);
        if (this.options.mode === 'paced') {
          // Event time ~ wall time: one event per page per tick (the playground: 6 per 15 ms, about 400 events/s).
          const due = Math.floor((Date.now() - began) / tickMs) * seq.keys;
          if (due <= this.next) {
            await sleep(100);
            continue;
          }
          upTo = Math.min(total, due, this.next + batch, pauseAt ?? Infinity);
        }
        if (concurrency === 1) {
          await this.send(producer, this.next, upTo);
        } else {
          const sent: Promise<void> = this.send(producer, this.next, upTo).then(
            () => void inFlight.delete(sent),
            (e: unknown) => {
              inFlight.delete(sent);
              failed ??= e;
            },
          );
          inFlight.add(sent);
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
          if (failed) throw failed;
        }
        this.next = upTo;
      }
      await this.settle(inFlight);
      if (failed) throw failed;
      // A continuous run ends on a window boundary so every written window can close.
      const boundary = Math.ceil(this.next / perWindow) * perWindow;
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

  /** Waits for every send in flight; their failures are the loop's to throw. */
  private async settle(inFlight: Set<Promise<void>>): Promise<void> {
    await Promise.all(inFlight);
  }

  /**
   * One produce request for events [from, to). With several in flight, order
   * within a partition still holds: the idempotent producer numbers each
   * partition's batches and the broker appends them in that order, and a
   * batch's ledger entry is written only once Kafka acknowledged it.
   */
  private async send(producer: Producer, from: number, to: number): Promise<void> {
    const seq = this.sequence;
    const byPartition = new Map<number, ClickEvent[]>();
    const messages: Message[] = [];
    for (let i = from; i < to; i++) {
      const partition = seq.partitionOf(i, this.options.partitions);
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      const event = seq.at(i);
      list.push(event);
      messages.push({ partition, value: encodeClick(event) });
    }
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages,
    });
    for (const [partition, events] of byPartition) this.ledger.acknowledge(events, partition);
    const progress = this.ledger.progress();
    this.options.onProgress?.(progress.total, progress.maxTimestampMs);
  }

  /**
   * One event per partition just past the last window's end plus the allowed
   * out-of-orderness, so the watermark passes it on every partition and the
   * final window fires. These events open a window that stays unsettled.
   */
  private async closeWindows(producer: Producer): Promise<void> {
    const end = this.startMs + (this.next / this.sequence.eventsPerWindow) * WINDOW_MS;
    const closing: ClickEvent = { timestamp: end + MAX_OUT_OF_ORDERNESS_MS + 1_000, page: this.sequence.page(0) };
    for (let partition = 0; partition < this.options.partitions; partition++) {
      await producer.send({ topic: this.options.topic, acks: -1, messages: [{ partition, value: encodeClick(closing) }] });
      this.ledger.acknowledge([closing], partition);
    }
    const progress = this.ledger.progress();
    this.options.onProgress?.(progress.total, progress.maxTimestampMs);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
