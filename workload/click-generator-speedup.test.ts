import type { Kafka } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { WINDOW_MS } from '../history/types.js';
import { EVENTS_PER_WINDOW } from './click-event.js';
import { ClickGenerator } from './click-generator.js';
import { fullAnswer } from './acknowledged-send.js';

// Paced mode with `speedup`: event time runs `speedup` times faster than the
// wall clock (never ahead of it), against an in-memory producer.

function fakeKafka() {
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (r: { topic: string; messages: { partition: number }[] }) => fullAnswer(r.topic, r.messages),
    }),
  } as unknown as Kafka;
  return kafka;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ClickGenerator paced speedup', () => {
  test('event time advances speedup times faster than the wall clock, never ahead of it', async () => {
    const g = new ClickGenerator(fakeKafka(), { topic: 'input', partitions: 2, mode: 'paced', speedup: 20 });
    const began = Date.now();
    g.start();
    await sleep(1_000);
    const eventMs = g.ledger.snapshot().maxTimestampMs;
    const wallMs = Date.now() - began;
    await g.stop();
    // Never ahead of speedup x wall time; far ahead of wall time (1x would be ~1000 ms).
    expect(eventMs).toBeLessThanOrEqual(20 * wallMs);
    expect(eventMs).toBeGreaterThan(5 * wallMs);
  });

  test('bounded input at speedup 100 is written in a fraction of its event time', async () => {
    const g = new ClickGenerator(fakeKafka(), { topic: 'input', partitions: 2, mode: 'paced', speedup: 100, windows: 2 });
    await g.done(); // 30 s of event time: ~0.3 s here, 30 s (past the test timeout) at 1x
    expect(g.ledger.snapshot().total).toBe(2 * EVENTS_PER_WINDOW + 2);
    expect(g.ledger.snapshot().closedThroughMs).toBe(2 * WINDOW_MS);
  }, 10_000);
});
