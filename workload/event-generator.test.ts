import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { GeneratorSpec } from '../config/job-declaration.js';
import { copyDueAt, eventTimeOf, fieldsOf, parseDump, renderTemplate } from './event-generator.js';

const spec: GeneratorSpec = {
  keys: 3,
  rate: 100,
  eventTime: { pattern: 'ascending', stepMs: 10 },
  duplicates: { every: 4, maxLagEvents: 50 },
  template: { id: '{id}', key: '{key}', timestamp: '{timestamp}', note: 'seq {seq} of {key}', tags: ['{id}'] },
};

describe('event generator (pure parts)', () => {
  test('the template is filled in; a lone {timestamp} or {seq} is a number', () => {
    expect(renderTemplate(spec.template, fieldsOf(spec, 7))).toEqual({ id: 'e-7', key: 'key-1', timestamp: 70, note: 'seq 7 of key-1', tags: ['e-7'] });
    // What the dedup job writes back, field for field.
    expect(JSON.stringify(renderTemplate({ id: '{id}', key: '{key}', timestamp: '{timestamp}' }, fieldsOf(spec, 2)))).toBe('{"id":"e-2","key":"key-2","timestamp":20}');
  });

  test('every `every`-th event gets one copy, strictly later and at most maxLagEvents later', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seq) => {
        const at = copyDueAt(spec, seq);
        if (seq % 4 !== 0) expect(at).toBeUndefined();
        else {
          expect(at).toBeGreaterThan(seq);
          expect(at! - seq).toBeLessThanOrEqual(50);
        }
      }),
    );
    expect(copyDueAt({ ...spec, duplicates: undefined }, 0)).toBeUndefined();
  });

  test('event time: ascending steps; out-of-order stays within its delay; the same seq always gets the same time', () => {
    const ooo: GeneratorSpec = { ...spec, eventTime: { pattern: 'out-of-order', startMs: 1_000, stepMs: 5, maxDelayMs: 200 } };
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seq) => {
        expect(eventTimeOf(spec, seq, 0)).toBe(seq * 10);
        const t = eventTimeOf(ooo, seq, 0);
        expect(1_000 + seq * 5 - t).toBeGreaterThanOrEqual(0);
        expect(1_000 + seq * 5 - t).toBeLessThanOrEqual(200);
        expect(eventTimeOf(ooo, seq, 123)).toBe(t);
      }),
    );
    expect(eventTimeOf({ ...spec, eventTime: { pattern: 'wall-clock' } }, 5, 42)).toBe(42);
  });
});

describe('topic dumps', () => {
  test('JSON lines: a string value as it is, a JSON value as its text, keys kept; a bad line names its number', () => {
    expect(parseDump('{"value":"raw text"}\n\n{"value":{"id":"a"},"key":"k"}\n')).toEqual([{ value: 'raw text' }, { value: '{"id":"a"}', key: 'k' }]);
    expect(() => parseDump('{"value":1}\nnot json', 'in.jsonl')).toThrow('in.jsonl:2: not a JSON line');
    expect(() => parseDump('{"key":"k"}', 'in.jsonl')).toThrow('in.jsonl:1: expected {"value": ..., "key"?: ...}');
  });
});
