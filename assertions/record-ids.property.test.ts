import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decide } from './outcome.js';
import { checkRecordIds, recordIdReasons, type IdRecord } from './record-ids.js';

const idsArb = fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }).map((n) => `e-${n}`), { minLength: 1, maxLength: 60 });
const asOutput = (ids: readonly string[]): IdRecord[] => ids.map((id, i) => ({ id, partition: i % 2, offset: String(i) }));
const failing = (rs: ReturnType<typeof recordIdReasons>) => rs.filter((r) => r.effect === 'fail').map((r) => r.code).sort();

describe('record-by-record id check', () => {
  test('every id once, in any order: pass for both sinks', () => {
    fc.assert(
      fc.property(idsArb.chain((ids) => fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }).map((out) => ({ ids, out }))), ({ ids, out }) => {
        for (const sink of ['exactly-once', 'at-least-once'] as const) {
          const v = checkRecordIds(ids, asOutput(out), { sink });
          expect(decide(recordIdReasons(v)).outcome).toBe('pass');
          expect(v.counts.ok).toBe(ids.length);
        }
      }),
    );
  });

  test('a lost id is named', () => {
    fc.assert(
      fc.property(idsArb.chain((ids) => fc.nat({ max: ids.length - 1 }).map((i) => ({ ids, i }))), ({ ids, i }) => {
        const v = checkRecordIds(ids, asOutput(ids.filter((_, j) => j !== i)), { sink: 'at-least-once' });
        expect(v.lost).toEqual([ids[i]]);
        expect(failing(recordIdReasons(v))).toEqual(['record-ids.lost']);
      }),
    );
  });

  test('a duplicated id fails exactly-once with its locations, and is allowed at-least-once', () => {
    fc.assert(
      fc.property(idsArb.chain((ids) => fc.nat({ max: ids.length - 1 }).map((i) => ({ ids, i }))), ({ ids, i }) => {
        const out = [...asOutput(ids), { id: ids[i]!, partition: 1, offset: '77' }];
        const eos = checkRecordIds(ids, out, { sink: 'exactly-once' });
        expect(failing(recordIdReasons(eos))).toEqual(['record-ids.duplicated']);
        expect(eos.duplicated[0]).toMatchObject({ id: ids[i], copies: 2 });
        expect(eos.duplicated[0]!.locations).toContainEqual({ partition: 1, offset: '77' });
        expect(decide(recordIdReasons(checkRecordIds(ids, out, { sink: 'at-least-once' }))).outcome).toBe('pass');
      }),
    );
  });

  test('a surplus id combined with a loss: both reported, though the record counts balance', () => {
    fc.assert(
      fc.property(idsArb.chain((ids) => fc.nat({ max: ids.length - 1 }).map((i) => ({ ids, i }))), ({ ids, i }) => {
        const out = asOutput([...ids.filter((_, j) => j !== i), 'not-an-input-id']);
        const v = checkRecordIds(ids, out, { sink: 'at-least-once' });
        expect(v.counts.output).toBe(ids.length);
        expect(failing(recordIdReasons(v))).toEqual(['record-ids.lost', 'record-ids.unexpected']);
        expect(v.unexpected[0]).toMatchObject({ id: 'not-an-input-id' });
      }),
    );
  });

  test('a record without an id fails as malformed; no input at all is inconclusive', () => {
    expect(failing(recordIdReasons(checkRecordIds(['e-1'], [...asOutput(['e-1']), { id: undefined, partition: 0, offset: '3' }], { sink: 'exactly-once' })))).toEqual(['record-ids.malformed']);
    expect(decide(recordIdReasons(checkRecordIds([], [], { sink: 'exactly-once' }))).outcome).toBe('inconclusive');
  });
});
