import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import pRetry from 'p-retry';
import { WINDOW_MS } from '../history/types.js';
import { ClickSequence, encodeClick, PLAYGROUND_SHAPE, type ClickEvent, type WorkloadShape } from './click-event.js';
import { Ledger, MAX_OUT_OF_ORDERNESS_MS } from './ledger.js';
import { sendAcknowledged } from './acknowledged-send.js';

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
  /**
   * Fast mode: produce requests in flight at once; default 1 (one producer).
   * Above 1, one idempotent producer per partition, each sending its
   * partition's batches one after another: requests to different partitions
   * overlap, and each partition's timestamps stay in order (kafkajs sends one
   * request at a time per producer and broker, so in-flight sends on one
   * producer would only queue, and could be reordered before they do).
   */
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
  /**
   * The topic's high watermark per partition. With it, a send that failed
   * (kafkajs's idempotent producer can give up across a leader change: "out
   * of order sequence number") is reconciled with what Kafka kept instead of
   * failing the run: each partition's end says whether its batch was written
   * or not, and only a batch Kafka did not keep is sent again. Without it, a
   * failed send fails the generator.
   */
  endOffsets?: () => Promise<Map<number, bigint>>;
  /** Pause between the two end-offset readings that must agree (ms; default 500). */
  endOffsetsSettleMs?: number;
  /** Called when a failed send was reconciled (for the history). */
  onRecovery?: (r: SendRecovery) => void;
}

/** A send that failed and was reconciled with the topic's end offsets. */
export interface SendRecovery {
  at: number;
  error: string;
  /** Per partition of the failed request: Kafka had kept its batch, or had not (sent again). */
  partitions: { partition: number; records: number; outcome: 'kept' | 'resent' }[];
}

/** What the generator wrote, per partition, to audit against the topic: expected end = start + written. */
export interface InputAccounting {
  topic: string;
  /** The topic's high watermark when the generator first wrote (0 when it could not ask). */
  start: Record<number, string>;
  /** Records the generator knows Kafka kept: acknowledged clicks, reconciled batches, raw records. */
  written: number[];
  /** Failed sends reconciled with the topic's end (each also reported through onRecovery). */
  recoveries: number;
}

/** A failed send whose outcome the topic's end offsets cannot tell: the ledger would be a guess. */
export class InputUncertainError extends Error {}
// On the prototype, not a field: the stack's first line is written at construction, and the verdict reads it.
InputUncertainError.prototype.name = 'InputUncertainError';

/** Attempts of one batch, the first included, before a failed send fails the generator. */
const MAX_SEND_ATTEMPTS = 4;

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
  private inputWritten = false;
  /** concurrency > 1: one producer per partition. */
  private partitionProducers: Producer[] = [];
  private pauses: number[];
  private readonly written: number[];
  private recoveries = 0;
  private start0?: Map<number, bigint>;
  private starting?: Promise<void>;
  private hold?: { reached: () => void; reachedP: Promise<void>; release: () => void; releaseP: Promise<void> };

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GeneratorOptions,
  ) {
    this.sequence = new ClickSequence(options.shape ?? PLAYGROUND_SHAPE, options.startMs ?? 0);
    this.ledger = new Ledger(options.partitions, this.sequence.pageNames);
    this.written = Array.from({ length: options.partitions }, () => 0);
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

  /** The bounded input and its closing events are written and acknowledged. */
  get ended(): boolean {
    return this.inputWritten;
  }

  /** Per partition, what this generator wrote (for the input audit before the verdict). */
  accounting(): InputAccounting {
    return {
      topic: this.options.topic,
      start: Object.fromEntries([...(this.start0 ?? new Map<number, bigint>())].map(([p, o]) => [p, String(o)])),
      written: [...this.written],
      recoveries: this.recoveries,
    };
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

  /**
   * Once the input is written: the closing events again, one per partition
   * (acknowledged in the ledger, in the window they open, which stays
   * unsettled). A stream in production never ends; the harness's input does,
   * and a partition a job restores at its end offset (all of it read before
   * the checkpoint, e.g. a rescale near the end of the input) gets no event
   * again, so a per-partition watermark that waits for its first event (the
   * Click Event Count's) holds every window after it forever. Resent closing
   * events are what a live stream would bring next; they change no settled
   * window's count.
   */
  async resendClosing(): Promise<void> {
    if (!this.inputWritten) throw new Error('the input is not written yet');
    try {
      await this.closeWindows();
    } finally {
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = undefined;
    }
  }

  /** Writes a record that is not a ClickEvent (the job must skip it; the ledger ignores it). */
  async writeRaw(value: Buffer | string, partition = 0): Promise<void> {
    // Counted in `written` (the topic holds it), not in the ledger.
    await this.deliver(this.mainSlot, new Map([[partition, [{ value, partition }]]]), CompressionTypes.None, (p, n) => void (this.written[p]! += n));
  }

  /** The single producer (concurrency 1, closing events, raw records). */
  private readonly mainSlot: ProducerSlot = {
    get: () => this.connect(),
    replace: async () => {
      const old = this.producer;
      this.producer = undefined;
      await old?.disconnect().catch(() => undefined);
      return this.connect();
    },
  };

  /** Partition `p`'s own producer (concurrency > 1). */
  private partitionSlot(p: number): ProducerSlot {
    return {
      get: async () => this.partitionProducers[p]!,
      replace: async () => {
        await this.partitionProducers[p]!.disconnect().catch(() => undefined);
        return (this.partitionProducers[p] = await this.newProducer());
      },
    };
  }

  /**
   * One produce request, counted per partition only once Kafka kept it. A
   * failed request is reconciled, partition by partition, with the topic's
   * end (the generator is the topic's only writer and has one request in
   * flight per partition, so the end is either before the batch or after
   * it): kept batches are counted, the rest sent again by a new producer
   * (the failed one is closed first, so nothing of it is still in flight).
   */
  private async deliver(
    slot: ProducerSlot,
    parts: Map<number, Message[]>,
    compression: CompressionTypes,
    kept: (partition: number, records: number) => void,
  ): Promise<void> {
    await this.recordStart();
    let pending = parts;
    for (let attempt = 1; ; attempt++) {
      const messages = [...pending.values()].flat();
      try {
        await sendAcknowledged(await slot.get(), this.options.topic, messages, compression);
        for (const [p, m] of pending) kept(p, m.length);
        return;
      } catch (e) {
        const endOffsets = this.options.endOffsets;
        if (!endOffsets) throw e;
        await slot.replace();
        // Only this request's partitions: others may be written meanwhile (concurrency > 1).
        const ends = await stableEnds(endOffsets, this.options.endOffsetsSettleMs, [...pending.keys()]);
        const recovery: SendRecovery = { at: Date.now(), error: String((e as Error).message ?? e).split('\n')[0]!, partitions: [] };
        const resend = new Map<number, Message[]>();
        for (const [p, m] of pending) {
          const before = (this.start0?.get(p) ?? 0n) + BigInt(this.written[p]!);
          const end = ends.get(p);
          if (end === before) resend.set(p, m);
          else if (end === before + BigInt(m.length)) kept(p, m.length);
          else {
            throw new InputUncertainError(
              `${this.options.topic}-${p}: a failed send of ${m.length} records left the partition's end at ${end ?? 'unknown'}, neither ${before} (not written) nor ${before + BigInt(m.length)} (written): what Kafka kept is unknown (${recovery.error})`,
            );
          }
          recovery.partitions.push({ partition: p, records: m.length, outcome: resend.has(p) ? 'resent' : 'kept' });
        }
        this.recoveries++;
        this.options.onRecovery?.(recovery);
        if (resend.size === 0) return;
        // Counted what Kafka kept even of the last attempt: the ledger never lags the topic.
        if (attempt >= MAX_SEND_ATTEMPTS) throw e;
        pending = resend;
      }
    }
  }

  /** The topic's end before the first write: the base the audit adds `written` to. */
  private recordStart(): Promise<void> {
    const endOffsets = this.options.endOffsets;
    if (!endOffsets) return Promise.resolve();
    // Once, before any write (concurrent first sends share the one reading).
    this.starting ??= stableEnds(endOffsets, this.options.endOffsetsSettleMs).then((ends) => void (this.start0 = ends));
    return this.starting;
  }

  private async connect(): Promise<Producer> {
    this.producer ??= await this.newProducer();
    return this.producer;
  }

  private async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Long enough to ride out a broker restart: a failed send would leave
      // the ledger unsure whether Kafka kept the batch.
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    await producer.connect();
    return producer;
  }

  private async loop(): Promise<void> {
    await this.connect();
    await this.recordStart();
    const seq = this.sequence;
    const perWindow = seq.eventsPerWindow;
    const total = this.options.windows === undefined ? Infinity : this.options.windows * perWindow;
    const batch = this.options.batchSize ?? 2_000;
    const concurrency = this.options.mode === 'fast' ? Math.max(1, this.options.concurrency ?? 1) : 1;
    const inFlight = new Set<Promise<void>>();
    let failed: unknown;
    if (concurrency > 1) {
      this.partitionProducers = await Promise.all(Array.from({ length: this.options.partitions }, () => this.newProducer()));
    }
    /** Per partition: its last batch's send; the next one waits for it. */
    const tails: Promise<void>[] = Array.from({ length: this.options.partitions }, () => Promise.resolve());
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
          await this.send(this.next, upTo);
        } else {
          for (const [partition, part] of this.split(this.next, upTo)) {
            const sent: Promise<void> = tails[partition]!.then(() => this.sendPart(partition, part)).then(
              () => void inFlight.delete(sent),
              (e: unknown) => {
                inFlight.delete(sent);
                failed ??= e;
              },
            );
            tails[partition] = sent;
            inFlight.add(sent);
          }
          while (inFlight.size >= concurrency && !failed) await Promise.race(inFlight);
          if (failed) throw failed;
        }
        this.next = upTo;
      }
      await this.settle(inFlight);
      if (failed) throw failed;
      // A continuous run ends on a window boundary so every written window can close.
      const boundary = Math.ceil(this.next / perWindow) * perWindow;
      // In requests of at most `batch`: a 100,000-page window in one request is over the broker's max message size.
      while (this.next < boundary) {
        const upTo = Math.min(boundary, this.next + batch);
        await this.send(this.next, upTo);
        this.next = upTo;
      }
      await this.closeWindows();
      this.inputWritten = true;
    } finally {
      await this.settle(inFlight).catch(() => undefined);
      for (const p of [this.producer, ...this.partitionProducers]) await p?.disconnect().catch(() => undefined);
      this.producer = undefined;
      this.partitionProducers = [];
    }
  }

  /** Events [from, to) by partition, in order. */
  private split(from: number, to: number): Map<number, ClickEvent[]> {
    const seq = this.sequence;
    const byPartition = new Map<number, ClickEvent[]>();
    for (let i = from; i < to; i++) {
      const partition = seq.partitionOf(i, this.options.partitions);
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      list.push(seq.at(i));
    }
    return byPartition;
  }

  /** One partition's batch through its own producer; counted once Kafka acknowledged it. */
  private async sendPart(partition: number, events: ClickEvent[]): Promise<void> {
    const messages = events.map((e) => ({ partition, value: encodeClick(e) }));
    await this.deliver(this.partitionSlot(partition), new Map([[partition, messages]]), this.compressionType(), () => this.acknowledge(events, partition));
    const progress = this.ledger.progress();
    this.options.onProgress?.(progress.total, progress.maxTimestampMs);
  }

  private compressionType(): CompressionTypes {
    return this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  /** Waits for every send in flight; their failures are the loop's to throw. */
  private async settle(inFlight: Set<Promise<void>>): Promise<void> {
    await Promise.all(inFlight);
  }

  /** One produce request for events [from, to), all partitions; counted once Kafka acknowledged it. */
  private async send(from: number, to: number): Promise<void> {
    const byPartition = this.split(from, to);
    const parts = new Map<number, Message[]>();
    for (const [partition, events] of byPartition) parts.set(partition, events.map((e) => ({ partition, value: encodeClick(e) })));
    await this.deliver(this.mainSlot, parts, this.compressionType(), (p) => this.acknowledge(byPartition.get(p)!, p));
    const progress = this.ledger.progress();
    this.options.onProgress?.(progress.total, progress.maxTimestampMs);
  }

  /**
   * One event per partition just past the last window's end plus the allowed
   * out-of-orderness, so the watermark passes it on every partition and the
   * final window fires. These events open a window that stays unsettled.
   */
  /** Counts events Kafka kept: in the ledger (per window and page) and in `written` (per partition). */
  private acknowledge(events: readonly ClickEvent[], partition: number): void {
    this.ledger.acknowledge(events, partition);
    this.written[partition]! += events.length;
  }

  private async closeWindows(): Promise<void> {
    const end = this.startMs + (this.next / this.sequence.eventsPerWindow) * WINDOW_MS;
    const closing: ClickEvent = { timestamp: end + MAX_OUT_OF_ORDERNESS_MS + 1_000, page: this.sequence.page(0) };
    for (let partition = 0; partition < this.options.partitions; partition++) {
      await this.deliver(this.mainSlot, new Map([[partition, [{ partition, value: encodeClick(closing) }]]]), CompressionTypes.None, () =>
        this.acknowledge([closing], partition),
      );
    }
    const progress = this.ledger.progress();
    this.options.onProgress?.(progress.total, progress.maxTimestampMs);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProducerSlot {
  get(): Promise<Producer>;
  /** Closes the current producer and gives a new one (a new producer id: no sequence state of the failed one). */
  replace(): Promise<Producer>;
}

/**
 * End offsets read twice alike, settleMs apart: right after a leader change the
 * new leader's high watermark can still be catching up to what it holds.
 */
async function stableEnds(read: () => Promise<Map<number, bigint>>, settleMs = 500, partitions?: readonly number[]): Promise<Map<number, bigint>> {
  return pRetry(
    async () => {
      const a = await read();
      await sleep(settleMs);
      const b = await read();
      const same = (partitions ?? [...new Set([...a.keys(), ...b.keys()])]).every((p) => a.get(p) === b.get(p));
      if (!same) throw new Error(`end offsets still moving: ${JSON.stringify([...a].map(([p, o]) => [p, String(o)]))} then ${JSON.stringify([...b].map(([p, o]) => [p, String(o)]))}`);
      return b;
    },
    { retries: 20, minTimeout: 500, maxTimeout: 3_000 },
  );
}
