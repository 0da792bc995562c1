import { describe, expect, test } from 'vitest';
import { historyFromJson, historyToJson, parseHistory, stringifyHistory } from './serialize.js';
import { scriptedRecorder, windowRecord } from './test-support/scripted-history.js';
import type { History } from './types.js';

function sample(): History {
  const { at } = scriptedRecorder(0);
  at(5).fault('kill', 'taskmanager-1', 'ok');
  at(6).jobState('j', 'RESTARTING', { RUNNING: 0, CANCELING: 1 });
  const output = [
    windowRecord(0, '/help', 1000, 7, 0),
    { partition: 1, offset: '3', value: null, arrivalMs: 8 },
    { partition: 1, offset: '4', value: new Uint8Array([0xff, 0x00, 0xfe]), arrivalMs: 9 },
  ];
  const ledger = { windowMs: 15_000, pages: ['/help'], acknowledged: { '0': { '/help': 1000 } }, total: 1000, maxTimestampMs: 14_999, closedThroughMs: 15_000 };
  return at(10).finish(ledger, output);
}

describe('history serialization', () => {
  test('round-trips through JSON text, bytes and tombstones included', () => {
    const h = sample();
    const back = parseHistory(stringifyHistory(h, 2));
    expect(back).toEqual(h);
    expect(back.output[2].value).toBeInstanceOf(Uint8Array);
  });

  test('stores values as base64', () => {
    const json = historyToJson(sample());
    expect(json.output.map((r) => r.value)).toEqual([btoa('{"windowStart":0,"windowEnd":15000,"page":"/help","count":1000}'), null, '/wD+']);
  });

  test('a subarray value serializes only its own bytes', () => {
    const h = sample();
    const big = new Uint8Array([1, 2, 3, 4, 5]);
    h.output[0] = { ...h.output[0], value: big.subarray(1, 3) };
    expect(historyToJson(h).output[0].value).toBe(Buffer.from([2, 3]).toString('base64'));
  });

  test('says which field is wrong', () => {
    const json = historyToJson(sample()) as unknown as { output: { value: unknown }[]; ledger: { windowMs: unknown } };
    json.output[1].value = 'not base64!';
    expect(() => historyFromJson(json)).toThrow('output[1].value: expected base64 or null');
    expect(() => historyFromJson({ ...json, ledger: { ...json.ledger, windowMs: '15000' } })).toThrow('ledger.windowMs');
    expect(() => historyFromJson([])).toThrow('history: expected an object');
  });
});
