import type { Kafka } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { WINDOW_MS } from '../history/types.js';
import { EVENTS_PER_WINDOW } from './click-event.js';
import { ClickGenerator } from './click-generator.js';
import { fullAnswer } from './acknowledged-send.js';

// The generator's phases (pauseAfterWindows) against an in-memory producer:
// it holds exactly at the pause point, without closing the window, and goes
// on only after resume().

function fakeKafka() {
  const sent: { partition: number; value: string }[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (r: { topic: string; messages: { partition: number; value: string }[] }) => {
        sent.push(...r.messages);
        return fullAnswer(r.topic, r.messages);
      },
    }),
  } as unknown as Kafka;
  return { kafka, sent };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('ClickGenerator pauseAfterWindows', () => {
  test('holds after each pause point until resume, then closes the last window at the end', async () => {
    const { kafka, sent } = fakeKafka();
    const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 3, pauseAfterWindows: [1, 2], batchSize: 700 });

    await g.paused();
    expect(g.ledger.snapshot().total).toBe(EVENTS_PER_WINDOW);
    await tick();
    expect(sent).toHaveLength(EVENTS_PER_WINDOW); // really holds; no closing events yet
    expect(Math.max(...sent.map((m) => JSON.parse(m.value).timestamp))).toBeLessThan(WINDOW_MS);

    g.resume();
    await g.paused();
    expect(g.ledger.snapshot().total).toBe(2 * EVENTS_PER_WINDOW);

    g.resume();
    await g.done();
    // 3 windows plus one closing event per partition.
    expect(g.ledger.snapshot().total).toBe(3 * EVENTS_PER_WINDOW + 2);
    expect(g.ledger.snapshot().closedThroughMs).toBe(3 * WINDOW_MS);
    await expect(g.paused()).rejects.toThrow(/no pause point left/);
  });

  test('paused() rejects when the generator ends before its pause point', async () => {
    const { kafka } = fakeKafka();
    const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 1, pauseAfterWindows: [5] });
    await expect(g.paused()).rejects.toThrow(/ended before its pause point/);
  });

  test('stop() releases a held generator and closes its windows', async () => {
    const { kafka } = fakeKafka();
    const g = new ClickGenerator(kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 4, pauseAfterWindows: [2] });
    await g.paused();
    await g.stop();
    expect(g.ledger.snapshot().total).toBe(2 * EVENTS_PER_WINDOW + 2);
  });
});
