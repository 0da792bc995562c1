import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decide } from './outcome.js';
import { differential, differentialReasons, type KeyedRecord } from './differential.js';

/** A reference output: distinct (key, value) records, some repeated (a job may write a record twice). */
const referenceArb = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 40, selector: ([k, v]) => `${k}\0${v}` })
  .map((pairs) => pairs.map(([key, value], i): KeyedRecord => ({ key, value, partition: i % 2, offset: String(i) })));

/** The same records in another order and at other offsets (a restore or rescale moves them). */
const shuffledArb = (records: readonly KeyedRecord[]) =>
  fc.shuffledSubarray([...records], { minLength: records.length, maxLength: records.length }).map((r) => r.map((x, i) => ({ ...x, partition: (i + 1) % 3, offset: String(1000 + i) })));

const codes = (rs: ReturnType<typeof differentialReasons>) => rs.filter((r) => r.effect !== 'info').map((r) => r.code).sort();

describe('differential oracle', () => {
  test('a reorder of the reference passes, exactly-once and at-least-once', () => {
    fc.assert(
      fc.property(referenceArb.chain((ref) => shuffledArb(ref).map((run) => ({ ref, run }))), ({ ref, run }) => {
        for (const sink of ['exactly-once', 'at-least-once'] as const) {
          const v = differential([ref], run, { sink });
          expect(v.differences).toEqual([]);
          expect(decide(differentialReasons(v)).outcome).toBe('pass');
        }
      }),
    );
  });

  test('a lost record fails as missing, with its key, value and where the reference held it', () => {
    fc.assert(
      fc.property(referenceArb.chain((ref) => fc.nat({ max: ref.length - 1 }).map((i) => ({ ref, i }))), ({ ref, i }) => {
        const run = ref.filter((_, j) => j !== i);
        for (const sink of ['exactly-once', 'at-least-once'] as const) {
          const v = differential([ref], run, { sink });
          expect(codes(differentialReasons(v))).toEqual(['differential.missing']);
          expect(v.differences[0]).toMatchObject({ kind: 'missing', key: ref[i]!.key, value: ref[i]!.value, locations: [{ partition: ref[i]!.partition, offset: ref[i]!.offset }] });
        }
      }),
    );
  });

  test('an identical duplicate fails exactly-once and is allowed at-least-once', () => {
    fc.assert(
      fc.property(referenceArb.chain((ref) => fc.nat({ max: ref.length - 1 }).map((i) => ({ ref, i }))), ({ ref, i }) => {
        const run = [...ref, { ...ref[i]!, partition: 7, offset: '99' }];
        const eos = differential([ref], run, { sink: 'exactly-once' });
        expect(codes(differentialReasons(eos))).toEqual(['differential.duplicate']);
        expect(eos.differences[0]).toMatchObject({ kind: 'duplicate', expected: 1, actual: 2 });
        expect(eos.differences[0]!.locations).toContainEqual({ partition: 7, offset: '99' });
        const alo = differential([ref], run, { sink: 'at-least-once' });
        expect(decide(differentialReasons(alo)).outcome).toBe('pass');
        expect(alo.counts.toleratedDuplicates).toBe(1);
      }),
    );
  });

  test('a surplus record combined with a loss is reported as both, even when the counts balance', () => {
    fc.assert(
      fc.property(
        referenceArb.chain((ref) => fc.nat({ max: ref.length - 1 }).map((i) => ({ ref, i }))),
        fc.string({ minLength: 7, maxLength: 9 }),
        ({ ref, i }, surplus) => {
          // A value longer than any reference value: surely not in the reference.
          const run = [...ref.filter((_, j) => j !== i), { key: ref[i]!.key, value: surplus, partition: 0, offset: '5' }];
          for (const sink of ['exactly-once', 'at-least-once'] as const) {
            const v = differential([ref], run, { sink });
            expect(v.counts.actualRecords).toBe(v.counts.referenceRecords);
            expect(codes(differentialReasons(v))).toEqual(['differential.missing', 'differential.unexpected']);
            expect(v.differences.find((d) => d.kind === 'unexpected')).toMatchObject({ key: ref[i]!.key, value: surplus, locations: [{ partition: 0, offset: '5' }] });
          }
        },
      ),
    );
  });

  test('two reference runs that differ: non-deterministic job, inconclusive with an example, nothing judged', () => {
    fc.assert(
      fc.property(referenceArb.chain((ref) => fc.nat({ max: ref.length - 1 }).map((i) => ({ ref, i }))), ({ ref, i }) => {
        const second = ref.filter((_, j) => j !== i);
        const v = differential([ref, second], [], { sink: 'exactly-once' });
        expect(v.deterministic).toBe(false);
        expect(v.nondeterminism).toMatchObject({ key: ref[i]!.key, value: ref[i]!.value, copies: [1, 0] });
        const o = decide(differentialReasons(v));
        expect(o.outcome).toBe('inconclusive');
        expect(o.reasons.map((r) => r.code)).toEqual(['differential.nondeterministic-job']);
      }),
    );
  });

  test('at-least-once references that differ only by an identical copy agree; exactly-once ones do not', () => {
    const ref: KeyedRecord[] = [{ key: 'a', value: '1' }, { key: 'b', value: '2' }];
    expect(differential([ref, [...ref, ref[0]!]], ref, { sink: 'at-least-once' }).deterministic).toBe(true);
    expect(differential([ref, [...ref, ref[0]!]], ref, { sink: 'exactly-once' }).deterministic).toBe(false);
  });

  test('an empty reference is inconclusive, never a pass', () => {
    expect(decide(differentialReasons(differential([[]], [], { sink: 'exactly-once' }))).outcome).toBe('inconclusive');
  });

  test('linear: 100k records, each with a copy, judged in one pass', () => {
    const ref = Array.from({ length: 100_000 }, (_, i): KeyedRecord => ({ key: `k${i}`, value: `{"id":"e-${i}"}`, partition: i % 2, offset: String(i >> 1) }));
    const v = differential([ref], [...ref, ...ref], { sink: 'exactly-once', maxExamples: 5 });
    expect(v.counts.duplicate).toBe(100_000);
    expect(v.differences).toHaveLength(5);
  });
});
