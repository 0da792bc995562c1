import { fc, test } from '@fast-check/vitest';
import type { Kafka } from 'kafkajs';
import { describe, expect } from 'vitest';
import { judge, judgeHistory } from '../assertions/oracle.js';
import { encodeValue } from '../assertions/test-support/clicks.js';
import { deriveFigures } from '../history/derived.js';
import { PAGES, WINDOW_MS, type History, type OutputRecord } from '../history/types.js';
import { clickAt, ClickSequence, EVENTS_PER_WINDOW, partitionOf, PLAYGROUND_SHAPE } from './click-event.js';
import { ClickGenerator } from './click-generator.js';
import { Ledger } from './ledger.js';
import { customScale, scaleNamed } from './scale.js';
import { fullAnswer } from './acknowledged-send.js';

// The workload at a real job's scale: any number of pages and clicks per
// page per window, with exact bookkeeping, and an oracle that judges 100,000
// pages per window (it streams: maps of window x page, no per-event arrays).

const shapes = fc.record({ keys: fc.integer({ min: 1, max: 300 }), eventsPerKeyPerWindow: fc.integer({ min: 1, max: 40 }) });

describe('click sequence of any shape', () => {
  test.prop([fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 4 })])('the playground shape is the playground sequence', (i, partitions) => {
    const seq = new ClickSequence(PLAYGROUND_SHAPE, 1_000);
    expect(seq.at(i)).toEqual(clickAt(i, 1_000));
    expect(seq.partitionOf(i, partitions)).toBe(partitionOf(i, partitions));
    expect(seq.eventsPerWindow).toBe(EVENTS_PER_WINDOW);
    expect(seq.pageNames).toEqual(PAGES);
  });

  test.prop([shapes, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })], { numRuns: 30 })(
    'each window holds exactly eventsPerKeyPerWindow clicks of every page, and partitions stay in timestamp order',
    (shape, windows, partitions) => {
      const seq = new ClickSequence(shape, 0);
      const ledger = new Ledger(partitions, seq.pageNames);
      const last = new Array<number>(partitions).fill(-1);
      let outOfOrder = 0;
      for (let i = 0; i < windows * seq.eventsPerWindow; i++) {
        const e = seq.at(i);
        const p = seq.partitionOf(i, partitions);
        if (e.timestamp < last[p]!) outOfOrder++;
        last[p] = e.timestamp;
        ledger.acknowledge([e], p);
      }
      expect(outOfOrder).toBe(0);
      const snap = ledger.snapshot();
      expect(Object.keys(snap.acknowledged)).toEqual(Array.from({ length: windows }, (_, w) => String(w * WINDOW_MS)));
      for (const pages of Object.values(snap.acknowledged)) {
        expect(Object.keys(pages)).toHaveLength(shape.keys);
        expect(new Set(Object.values(pages))).toEqual(new Set([shape.eventsPerKeyPerWindow]));
      }
      expect(snap.pages).toHaveLength(shape.keys);
    },
  );

  test('an impossible shape or padding is refused with the reason', () => {
    expect(() => new ClickSequence({ keys: 0, eventsPerKeyPerWindow: 5 })).toThrow(/keys must be a positive integer/);
    expect(() => new ClickSequence({ keys: 10, eventsPerKeyPerWindow: 15_001 })).toThrow(/from 1 to 15000/);
    expect(() => customScale(scaleNamed('large'), { statePaddingBytes: -1 })).toThrow(/padding/);
  });
});

/** A generator against an in-memory producer: counts what it was asked to send. */
function countingKafka() {
  const sent = { messages: 0 };
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (r: { topic: string; messages: { partition?: number }[] }) => {
        sent.messages += r.messages.length;
        return fullAnswer(r.topic, r.messages);
      },
    }),
  } as unknown as Kafka;
  return { kafka, sent };
}

describe('several sends in flight', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 2, max: 6 })], { numRuns: 20 })(
    'each partition gets its batches in order, whatever order the broker answers in',
    async (delays, concurrency) => {
      const written = new Map<number, number[]>();
      let call = 0;
      const kafka = {
        producer: () => ({
          connect: async () => undefined,
          disconnect: async () => undefined,
          send: async (r: { topic: string; messages: { partition: number; value: string }[] }) => {
            // Appended when the "broker" answers: a later request may answer first unless the generator waits.
            await new Promise((res) => setTimeout(res, delays[call++ % delays.length]));
            for (const m of r.messages) {
              const list = written.get(m.partition) ?? [];
              list.push(JSON.parse(m.value).timestamp);
              written.set(m.partition, list);
            }
            return fullAnswer(r.topic, r.messages);
          },
        }),
      } as unknown as Kafka;
      const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 1, shape: { keys: 50, eventsPerKeyPerWindow: 20 }, batchSize: 70, concurrency });
      await g.done();
      for (const ts of written.values()) expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
      expect(g.ledger.progress().total).toBe(1_000 + 2);
    },
  );

  test('a stopped generator closes its window in requests of at most batchSize events', async () => {
    const sizes: number[] = [];
    const kafka = {
      producer: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        send: async (r: { topic: string; messages: { partition?: number }[] }) => {
          sizes.push(r.messages.length);
          await new Promise((res) => setTimeout(res, 1));
          return fullAnswer(r.topic, r.messages);
        },
      }),
    } as unknown as Kafka;
    const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', shape: { keys: 100_000, eventsPerKeyPerWindow: 2 }, batchSize: 2_000 }).start();
    while (g.ledger.progress().total < 10_000) await new Promise((res) => setTimeout(res, 5));
    await g.stop();
    expect(g.ledger.progress().total).toBe(200_000 + 2); // the window filled up, then the closing events
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000);
  }, 30_000);
});

describe('100,000 pages per window', () => {
  const keys = 100_000;
  const large = { keys, eventsPerKeyPerWindow: 2 };

  test('the generator writes and the ledger counts 2 windows of 100,000 pages, several sends in flight', async () => {
    const { kafka, sent } = countingKafka();
    const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 2, shape: large, batchSize: 20_000, concurrency: 4 });
    await g.done();
    const snap = g.ledger.snapshot();
    expect(sent.messages).toBe(2 * 2 * keys + 2); // and one closing event per partition
    expect(snap.total).toBe(sent.messages);
    expect(snap.closedThroughMs).toBe(2 * WINDOW_MS);
    expect(Object.keys(snap.acknowledged[String(WINDOW_MS)]!)).toHaveLength(keys);
  }, 30_000);

  test('the oracle passes the correct output and names the one lost and the one miscounted page among 100,000', () => {
    const seq = new ClickSequence(large, 0);
    const ledger = new Ledger(2, seq.pageNames);
    const windows = 1;
    for (let i = 0; i < windows * seq.eventsPerWindow; i += seq.keys) {
      // One tick at a time: the per-event objects of a tick, never of the run.
      const p = seq.partitionOf(i, 2);
      ledger.acknowledge(Array.from({ length: seq.keys }, (_, k) => seq.at(i + k)), p);
    }
    // Closing events on both partitions, as the generator writes them.
    for (const p of [0, 1]) ledger.acknowledge([{ timestamp: windows * WINDOW_MS + 1_200, page: seq.page(0) }], p);
    const snap = ledger.snapshot();
    const output: OutputRecord[] = [];
    let offset = 0;
    for (let w = 0; w < windows; w++) {
      for (let k = 0; k < keys; k++) {
        const page = seq.page(k);
        const value = encodeValue({ windowStart: w * WINDOW_MS, page, count: large.eventsPerKeyPerWindow });
        output.push({ partition: k % 2, offset: String(offset++), value, arrivalMs: 1_000 + offset, appendMs: 1_000 + offset });
      }
    }
    const policy = { sink: 'at-least-once', time: 'event-time' } as const;
    const history: History = { scenario: 'scale', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [], ledger: snap, output };
    const ok = judgeHistory(history, policy);
    expect(ok.summary.expectedKeys).toBe(windows * keys);
    expect(ok.summary.bySeverity.failure).toBe(0);
    expect(deriveFigures(history).outputRate.length).toBeGreaterThan(0);

    // Negative control: one record gone, one miscounted.
    const broken = output.filter((_, i) => i !== 12_345);
    broken[7] = { ...broken[7]!, value: encodeValue({ windowStart: 0, page: seq.page(7), count: 1 }) };
    const bad = judge(snap, broken, policy, { disturbances: [] });
    expect(bad.ok).toBe(false);
    expect(bad.problems.filter((p) => p.severity === 'failure').map((p) => [p.kind, 'page' in p ? p.page : ''])).toEqual([
      ['missing', seq.page(12_345)], // by window, then page text: '/pages/12345' < '/pages/7'
      ['wrong-count', seq.page(7)],
    ]);
    // Processing time at this scale too (conservation sums 100,000 pages): only page 0's two
    // closing events, in a window the output never holds, are short.
    const pt = judge(snap, output, { sink: 'at-least-once', time: 'processing-time' }, { disturbances: [] });
    expect(pt.problems.filter((p) => p.severity === 'failure')).toEqual([{ kind: 'conservation', severity: 'failure', page: seq.page(0), expected: 4, got: 2 }]);
  }, 60_000);
});
