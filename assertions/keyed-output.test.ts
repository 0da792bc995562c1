import { describe, expect, test } from 'vitest';
import type { OutputRecord } from '../history/types.js';
import { canonicalJson, idOutput, jsonPath, keyedOutput, keyedValues, NO_KEY } from './keyed-output.js';

const enc = new TextEncoder();
const rec = (value: string | null, offset: number, key?: string): OutputRecord => ({
  partition: offset % 2,
  offset: String(offset),
  value: value === null ? null : enc.encode(value),
  arrivalMs: 0,
  ...(key ? { key: enc.encode(key) } : {}),
});

describe('keyed output', () => {
  test('a JSON path keys the record; field order and spacing do not change the value', () => {
    const [a, b] = [...keyedOutput([rec('{"id":"e-1","key":"k","timestamp":5}', 0), rec('{ "timestamp": 5, "key": "k", "id": "e-1" }', 1)], '$.id')];
    expect(a).toEqual({ key: 'e-1', value: '{"id":"e-1","key":"k","timestamp":5}', partition: 0, offset: '0' });
    expect(b!.value).toBe(a!.value);
  });

  test('the Kafka record key, nested paths, and records without the key', () => {
    expect([...keyedOutput([rec('x', 0, 'k1')], 'key')][0]).toMatchObject({ key: 'k1', value: 'x' });
    expect(jsonPath({ u: { ids: ['a', 'b'] } }, '$.u.ids[1]')).toBe('b');
    expect([...keyedOutput([rec('not json', 0), rec(null, 1)], '$.id')].map((r) => r.key)).toEqual([NO_KEY, NO_KEY]);
    expect([...idOutput([rec('{"id":7}', 0), rec('{"other":1}', 1)], '$.id')].map((r) => r.id)).toEqual(['7', undefined]);
  });

  test('input values keyed like output: the distinct input is the dedup job\'s reference', () => {
    expect([...keyedValues(['{"timestamp":1,"id":"e-0","key":"k"}'], '$.id')]).toEqual([{ key: 'e-0', value: canonicalJson({ id: 'e-0', key: 'k', timestamp: 1 }) }]);
  });
});
