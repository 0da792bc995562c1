import { describe, expect, test } from 'vitest';
import { historyFromJson, historyToJson, parseHistory, stringifyHistory } from './serialize.js';
import { scriptedRecorder } from './test-support/scripted-history.js';
import type { History } from './types.js';

function withAppendTimes(): History {
  const { at } = scriptedRecorder(0);
  const ledger = { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
  return at(10).finish(ledger, [
    { partition: 0, offset: '0', value: new Uint8Array([1]), arrivalMs: 9, appendMs: 1_796_158_335_187 },
    // recorded before the broker's append time was kept
    { partition: 0, offset: '1', value: null, arrivalMs: 9 },
  ]);
}

describe("history serialization: the broker's append time", () => {
  test('round-trips appendMs, and a record without one stays without', () => {
    const back = parseHistory(stringifyHistory(withAppendTimes()));
    expect(back.output[0]!.appendMs).toBe(1_796_158_335_187);
    expect('appendMs' in back.output[1]!).toBe(false);
    expect(back).toEqual(withAppendTimes());
  });

  test('an appendMs that is not a number is named', () => {
    const json = historyToJson(withAppendTimes()) as unknown as { output: { appendMs?: unknown }[] };
    json.output[0]!.appendMs = '1796158335187';
    expect(() => historyFromJson(json)).toThrow('output[0].appendMs: expected a number');
  });
});
