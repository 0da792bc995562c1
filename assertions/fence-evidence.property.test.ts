import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent, SinkSemantics } from '../history/types.js';
import {
  EOS_LSO_CHECK,
  EOS_OPEN_TRANSACTIONS_CHECK,
  FENCE_CHECK,
  FENCE_DRAIN_CHECK,
  fenceReasons,
  type FencedJob,
} from './fence-evidence.js';
import { decide } from './outcome.js';

// A world after the fence, as scenarios/harness/fence.ts records it: jobs and
// how they were stopped, per partition the high watermark, the last stable
// offset and how far the reader got, the open transactions, and which of
// the checks made it into the history at all.
interface World {
  sink: SinkSemantics;
  jobs: FencedJob[];
  parts: { partition: number; hwm: number; lso: number; read: number }[];
  open: { transactionalId: string; state: string }[];
  present: { fence: boolean; drain: boolean; lso: boolean; txns: boolean };
  unavailable: { lso: boolean; txns: boolean };
}

const jobArb: fc.Arbitrary<FencedJob> = fc.record({
  jobId: fc.stringMatching(/^[0-9a-f]{4}$/),
  how: fc.constantFrom('stop-with-savepoint', 'cancel', 'ended-by-itself'),
  finalState: fc.constantFrom('FINISHED', 'CANCELED', 'FAILED', 'RUNNING', 'RESTARTING'),
  ms: fc.nat(100_000),
});

const partArb = (partition: number) =>
  fc
    .record({ hwm: fc.nat(50), lsoGap: fc.nat(3), readGap: fc.nat(3) })
    .map(({ hwm, lsoGap, readGap }) => {
      const lso = Math.max(0, hwm - lsoGap);
      return { partition, hwm, lso, read: Math.max(0, lso - readGap) };
    });

const worldArb: fc.Arbitrary<World> = fc.record({
  sink: fc.constantFrom<SinkSemantics>('exactly-once', 'at-least-once'),
  jobs: fc.array(jobArb, { maxLength: 3 }),
  parts: fc.tuple(partArb(0), partArb(1)).map((p) => [...p]),
  open: fc.array(fc.record({ transactionalId: fc.constantFrom('click-event-count-0-7', 'click-event-count-1-9'), state: fc.constantFrom('Ongoing', 'PrepareCommit') }), { maxLength: 2 }),
  present: fc.record({ fence: fc.boolean(), drain: fc.boolean(), lso: fc.boolean(), txns: fc.boolean() }),
  unavailable: fc.record({ lso: fc.boolean(), txns: fc.boolean() }),
});

/** The same world with nothing wrong: every job stopped with a savepoint, everything read, nothing open. */
const cleanWorldArb: fc.Arbitrary<World> = worldArb.map((w) => ({
  ...w,
  jobs: w.jobs.map((j) => ({ ...j, how: 'stop-with-savepoint' as const, finalState: 'FINISHED' })),
  parts: w.parts.map((p) => ({ ...p, lso: p.hwm, read: p.hwm })),
  open: [],
  present: { fence: true, drain: true, lso: true, txns: true },
  unavailable: { lso: false, txns: false },
}));

const ended = (j: FencedJob) => ['FINISHED', 'CANCELED', 'FAILED'].includes(j.finalState);
const asData = (w: World) => w.parts.map((p) => ({ partition: p.partition, hwm: String(p.hwm), lso: String(p.lso) }));

function events(w: World, t = 1): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  if (w.present.fence) out.push({ t, kind: 'check', name: FENCE_CHECK, ok: w.jobs.every(ended), detail: 'fence', data: { jobs: w.jobs } });
  if (w.sink === 'exactly-once' && w.present.lso) {
    out.push({
      t: t + 1, kind: 'check', name: EOS_LSO_CHECK, ok: w.parts.every((p) => p.lso >= p.hwm), detail: 'lso',
      data: w.unavailable.lso ? { partitions: [], unavailable: true } : { partitions: asData(w), deadlineMs: 30_000 },
    });
  }
  if (w.present.drain) {
    const target = (p: World['parts'][number]) => (w.sink === 'exactly-once' ? p.lso : p.hwm);
    out.push({
      t: t + 2, kind: 'check', name: FENCE_DRAIN_CHECK, ok: w.parts.every((p) => p.read >= target(p)), detail: 'drain',
      data: { isolation: 'read_committed', partitions: asData(w).map((p, i) => ({ ...p, read: String(w.parts[i]!.read) })) },
    });
  }
  if (w.sink === 'exactly-once' && w.present.txns) {
    out.push({
      t: t + 3, kind: 'check', name: EOS_OPEN_TRANSACTIONS_CHECK, ok: w.open.length === 0, detail: 'txns',
      data: w.unavailable.txns ? { prefix: 'click-event-count', unavailable: true } : { prefix: 'click-event-count', open: w.open },
    });
  }
  return out;
}

const codes = (w: World) => fenceReasons({ events: events(w) }, w.sink).map((r) => `${r.effect}:${r.code}`).sort();

describe('fenceReasons', () => {
  test('a clean fence passes: every job stopped, every partition read to its end, nothing in flight', () => {
    fc.assert(
      fc.property(cleanWorldArb, (w) => {
        expect(decide(fenceReasons({ events: events(w) }, w.sink)).outcome).toBe('pass');
      }),
    );
  });

  test('a missing fence, drain or exactly-once check never passes', () => {
    fc.assert(
      fc.property(cleanWorldArb, fc.constantFrom('fence', 'drain', 'lso', 'txns'), (w, gone) => {
        const missing = { ...w, present: { ...w.present, [gone]: false } };
        const expected = { fence: 'fence.job-not-stopped', drain: 'fence.not-drained', lso: 'eos.check-unavailable', txns: 'eos.check-unavailable' }[gone];
        const outcome = decide(fenceReasons({ events: events(missing) }, w.sink));
        if (w.sink === 'at-least-once' && (gone === 'lso' || gone === 'txns')) expect(outcome.outcome).toBe('pass');
        else expect(outcome.reasons).toContainEqual(expect.objectContaining({ code: expected, effect: 'inconclusive' }));
        if (!(w.sink === 'at-least-once' && (gone === 'lso' || gone === 'txns'))) expect(outcome.outcome).not.toBe('pass');
      }),
    );
  });

  test('a job the fence left running (or whose end is unknown) is inconclusive', () => {
    fc.assert(
      fc.property(cleanWorldArb, jobArb.filter((j) => !ended(j)), (w, live) => {
        const r = fenceReasons({ events: events({ ...w, jobs: [...w.jobs, live] }) }, w.sink);
        expect(r).toContainEqual(expect.objectContaining({ code: 'fence.job-not-stopped', effect: 'inconclusive', evidence: expect.objectContaining({ jobs: [live] }) }));
      }),
    );
  });

  test('a partition read short of its end is not drained', () => {
    fc.assert(
      fc.property(cleanWorldArb, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 5 }), (w, p, gap) => {
        const short = { ...w, parts: w.parts.map((x) => (x.partition === p ? { ...x, hwm: x.hwm + gap, lso: x.lso + gap } : x)) };
        expect(codes(short)).toContain('inconclusive:fence.not-drained');
      }),
    );
  });

  test('exactly-once after a clean stop: a last stable offset below the high watermark fails, naming the partitions', () => {
    fc.assert(
      fc.property(cleanWorldArb.filter((w) => w.sink === 'exactly-once'), fc.subarray([0, 1], { minLength: 1 }), fc.integer({ min: 1, max: 9 }), (w, ps, gap) => {
        // records of an open transaction beyond the LSO; the reader got to the LSO
        const stuck = { ...w, parts: w.parts.map((x) => (ps.includes(x.partition) ? { ...x, hwm: x.hwm + gap } : x)) };
        const out = decide(fenceReasons({ events: events(stuck) }, 'exactly-once'));
        expect(out.outcome).toBe('fail');
        const r = out.reasons.find((x) => x.code === 'eos.lso-below-hwm')!;
        expect(r.effect).toBe('fail');
        expect((r.evidence!.partitions as { partition: number }[]).map((x) => x.partition)).toEqual(ps);
      }),
    );
  });

  test('exactly-once after a clean stop: an open transaction of the prefix fails, naming it', () => {
    fc.assert(
      fc.property(
        cleanWorldArb.filter((w) => w.sink === 'exactly-once'),
        fc.array(fc.record({ transactionalId: fc.string({ minLength: 1 }).map((s) => `click-event-count-${s}`), state: fc.constantFrom('Ongoing', 'PrepareCommit', 'PrepareAbort') }), { minLength: 1, maxLength: 3 }),
        (w, open) => {
          const out = decide(fenceReasons({ events: events({ ...w, open }) }, 'exactly-once'));
          expect(out.outcome).toBe('fail');
          expect(out.reasons.find((x) => x.code === 'eos.lingering-transaction')!.evidence).toEqual({ open });
        },
      ),
    );
  });

  test("the checks' own ok flag never hides what their data shows", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const lying = events(w).map((e) => (e.kind === 'check' ? { ...e, ok: true } : e));
        const honest = fenceReasons({ events: events(w) }, w.sink).filter((r) => r.effect === 'fail').map((r) => r.code);
        const told = fenceReasons({ events: lying }, w.sink).filter((r) => r.effect === 'fail').map((r) => r.code);
        expect(told).toEqual(honest);
      }),
    );
  });

  test('after a cancel, what the sink left open is inconclusive, never a fail', () => {
    fc.assert(
      fc.property(worldArb.filter((w) => w.present.fence && w.jobs.some((j) => j.how === 'cancel')), (w) => {
        const r = fenceReasons({ events: events(w) }, w.sink);
        expect(r.filter((x) => x.effect === 'fail')).toEqual([]);
        expect(r).toContainEqual(expect.objectContaining({ code: 'fence.cancelled', effect: 'info' }));
      }),
    );
  });

  test('an at-least-once run is never judged on transactions', () => {
    fc.assert(
      fc.property(worldArb.filter((w) => w.sink === 'at-least-once'), (w) => {
        expect(codes(w).filter((c) => c.includes('eos.'))).toEqual([]);
        const asIfEo = events({ ...w, sink: 'exactly-once' });
        expect(fenceReasons({ events: asIfEo.filter((e) => e.kind === 'check' && !e.name.startsWith('eos-')) }, 'at-least-once')).toEqual(
          fenceReasons({ events: asIfEo }, 'at-least-once'),
        );
      }),
    );
  });

  test('unrelated events change nothing; a later check of the same name supersedes an earlier one', () => {
    fc.assert(
      fc.property(worldArb, cleanWorldArb, fc.array(fc.string(), { maxLength: 5 }), (w, clean, notes) => {
        const noise: HistoryEvent[] = notes.map((text, i) => ({ t: i, kind: 'note', text }));
        const other: HistoryEvent = { t: 0, kind: 'check', name: 'profile-applied', ok: false, detail: 'x' };
        expect(fenceReasons({ events: [...noise, ...events(w, 10), other] }, w.sink)).toEqual(fenceReasons({ events: events(w, 10) }, w.sink));
        const cleanSameSink = { ...clean, sink: w.sink };
        expect(fenceReasons({ events: [...events(w, 10), ...events(cleanSameSink, 100)] }, w.sink)).toEqual(
          fenceReasons({ events: events(cleanSameSink, 100) }, w.sink),
        );
      }),
    );
  });
});
