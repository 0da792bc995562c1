// Input for a declared job (config/job-declaration.ts): JSON records from a
// template, each with its own id, some sent twice on purpose (identical
// copies, up to maxLagEvents later, so a copy often lands on the other side of
// a checkpoint, a restore or a savepoint). Like the click generator: an
// idempotent producer, acks=all, one request in flight, and a ledger of what
// Kafka acknowledged, which is all the expected output may rest on.
import type { Kafka, Message, Producer } from 'kafkajs';
import type { GeneratorSpec } from '../config/job-declaration.js';
import { sendAcknowledged } from './acknowledged-send.js';

/** One input event as the template sees it. */
export interface TemplateFields {
  id: string;
  seq: number;
  key: string;
  timestamp: number;
}

export interface EventGeneratorOptions {
  topic: string;
  partitions: number;
  spec: GeneratorSpec;
  /** Distinct events in all (default spec.events; undefined: until stop()). */
  events?: number;
  /**
   * Input in phases: after this many distinct events (ascending) the generator
   * holds until resume(); copies due later wait, so they reach the job after it.
   */
  pauseAfterEvents?: readonly number[];
  /**
   * A recorded topic dump to replay instead of the template: record n is
   * dump[n] (its key too), at spec.rate, with spec.duplicates' copies.
   */
  dump?: readonly DumpRecord[];
  /** Called after every acknowledged batch. */
  onProgress?: (distinct: number, sent: number) => void;
}

/** One line of a topic dump: the value as written (JSON values are written as their text), its key if any. */
export interface DumpRecord {
  value: string;
  key?: string;
}

/** Parses a dump file: JSON lines of {"value": <string or JSON>, "key"?: string}; blank lines skipped. */
export function parseDump(text: string, file = 'dump'): DumpRecord[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l)
    .map(([l, n]) => {
      let o: { value?: unknown; key?: unknown };
      try {
        o = JSON.parse(l) as typeof o;
      } catch {
        throw new Error(`${file}:${n}: not a JSON line`);
      }
      if (o === null || typeof o !== 'object' || o.value === undefined) throw new Error(`${file}:${n}: expected {"value": ..., "key"?: ...}`);
      return { value: typeof o.value === 'string' ? o.value : JSON.stringify(o.value), ...(typeof o.key === 'string' ? { key: o.key } : {}) };
    });
}

/** What Kafka acknowledged: every distinct event's id and rendered value, and how many copies went out. */
export class EventLedger {
  /** id -> the JSON value written (first copy; copies are identical). */
  readonly values = new Map<string, string>();
  sent = 0;
  duplicatesSent = 0;

  snapshot(): { distinct: number; sent: number; duplicatesSent: number } {
    return { distinct: this.values.size, sent: this.sent, duplicatesSent: this.duplicatesSent };
  }
}

export const fieldsOf = (spec: GeneratorSpec, seq: number, wallMs = Date.now()): TemplateFields => ({
  id: `e-${seq}`,
  seq,
  key: `key-${seq % spec.keys}`,
  timestamp: eventTimeOf(spec, seq, wallMs),
});

export function eventTimeOf(spec: GeneratorSpec, seq: number, wallMs: number): number {
  const t = spec.eventTime;
  if (t.pattern === 'wall-clock') return wallMs;
  const base = (t.startMs ?? 0) + seq * t.stepMs;
  // A fixed pseudo-random delay per record (Knuth's multiplicative hash), so a rerun is the same input.
  return t.pattern === 'out-of-order' ? Math.max(0, base - (Math.imul(seq, 2654435761) >>> 0) % (t.maxDelayMs + 1)) : base;
}

/** The template with its fields filled in: a string that is only {seq} or {timestamp} becomes that number. */
export function renderTemplate(template: unknown, f: TemplateFields): unknown {
  if (typeof template === 'string') {
    if (template === '{seq}') return f.seq;
    if (template === '{timestamp}') return f.timestamp;
    return template.replace(/\{(id|seq|key|timestamp)\}/g, (_, name: keyof TemplateFields) => String(f[name]));
  }
  if (Array.isArray(template)) return template.map((x) => renderTemplate(x, f));
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, f)]));
  return template;
}

/** Where the copy of event `seq` goes: `seq + lag` events later, or never. */
export function copyDueAt(spec: GeneratorSpec, seq: number): number | undefined {
  const d = spec.duplicates;
  if (!d || seq % d.every !== 0) return undefined;
  return seq + 1 + ((Math.imul(seq, 40503) >>> 0) % d.maxLagEvents);
}

export class EventGenerator {
  readonly ledger = new EventLedger();
  private next = 0;
  /** Copies waiting for their turn: due position -> messages. */
  private readonly due = new Map<number, Message[]>();
  private stopping = false;
  private running?: Promise<void>;
  private producer?: Producer;
  private readonly pauses: number[];
  private hold?: { reached: () => void; reachedP: Promise<void>; release: () => void; releaseP: Promise<void> };

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventGeneratorOptions,
  ) {
    this.pauses = [...(options.pauseAfterEvents ?? [])].sort((a, b) => a - b);
    this.armHold();
  }

  get total(): number | undefined {
    const n = this.options.events ?? this.options.spec.events;
    const dump = this.options.dump?.length;
    return dump === undefined ? n : Math.min(dump, n ?? dump);
  }

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  async done(): Promise<void> {
    await this.start().running;
  }

  /** Stops after the current batch; the copies still due are sent first (their originals were). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.hold?.release();
    await this.running;
  }

  /** Resolves when the generator holds at its next pause point. */
  async paused(): Promise<void> {
    const hold = this.hold;
    if (!hold) throw new Error('the generator has no pause point left');
    const ended = this.start().running!.then(() => {
      throw new Error('the generator ended before its pause point');
    });
    ended.catch(() => undefined);
    await Promise.race([hold.reachedP, ended]);
  }

  resume(): void {
    const hold = this.hold;
    if (!hold) throw new Error('the generator has no pause point left');
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

  private async connect(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 } });
      await this.producer.connect();
    }
    return this.producer;
  }

  private async loop(): Promise<void> {
    const producer = await this.connect();
    const { spec, partitions, topic } = this.options;
    const total = this.total ?? Infinity;
    // Ten sends a second at the declared rate.
    const batch = Math.max(1, Math.round(spec.rate / 10));
    let began = Date.now();
    let sentAtBegin = 0;
    try {
      while (!this.stopping && this.next < total) {
        const hold = this.hold;
        const until = Math.min(total, this.next + batch, hold ? this.pauses[0]! : Infinity);
        const messages: Message[] = [];
        const distinct: [string, string][] = [];
        let copies = 0;
        for (; this.next < until; this.next++) {
          const seq = this.next;
          const recorded = this.options.dump?.[seq];
          const value = recorded ? recorded.value : JSON.stringify(renderTemplate(spec.template, fieldsOf(spec, seq)));
          const key = recorded?.key;
          messages.push({ value, partition: seq % partitions, ...(key === undefined ? {} : { key }) });
          distinct.push([recorded ? `#${seq}` : `e-${seq}`, value]);
          const at = copyDueAt(spec, seq);
          if (at !== undefined) {
            // The copy goes to the other partition: another source subtask may read it.
            const list = this.due.get(at) ?? [];
            list.push({ value, partition: (seq + 1) % partitions, ...(key === undefined ? {} : { key }) });
            this.due.set(at, list);
          }
          const now = this.due.get(seq);
          if (now) {
            messages.push(...now);
            copies += now.length;
            this.due.delete(seq);
          }
        }
        // At a pause the copies still due wait: sent after resume(), they reach the job after the stop.
        if (this.next >= total) copies += this.flushDue(messages);
        await this.send(producer, topic, messages, distinct, copies);
        if (hold && this.next >= this.pauses[0]!) {
          hold.reached();
          await hold.releaseP;
          began = Date.now();
          sentAtBegin = this.ledger.sent;
          continue;
        }
        // Paced: the declared rate, counted in records sent (copies too).
        const aheadMs = ((this.ledger.sent - sentAtBegin) / spec.rate) * 1000 - (Date.now() - began);
        if (aheadMs > 0) await new Promise((r) => setTimeout(r, aheadMs));
      }
      const rest: Message[] = [];
      const copies = this.flushDue(rest);
      if (rest.length) await this.send(producer, topic, rest, [], copies);
    } finally {
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = undefined;
    }
  }

  /** Every copy still due, in due order, appended to `messages`; how many. */
  private flushDue(messages: Message[]): number {
    let n = 0;
    for (const at of [...this.due.keys()].sort((a, b) => a - b)) {
      const list = this.due.get(at)!;
      messages.push(...list);
      n += list.length;
      this.due.delete(at);
    }
    return n;
  }

  private async send(producer: Producer, topic: string, messages: Message[], distinct: [string, string][], copies: number): Promise<void> {
    if (messages.length === 0) return;
    await sendAcknowledged(producer, topic, messages);
    // Acknowledged: only now does the ledger count it.
    for (const [id, value] of distinct) this.ledger.values.set(id, value);
    this.ledger.sent += messages.length;
    this.ledger.duplicatesSent += copies;
    this.options.onProgress?.(this.ledger.values.size, this.ledger.sent);
  }
}
