import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent, SinkSemantics } from '../history/types.js';
import {
  EOS_LSO_CHECK,
  EOS_OPEN_TRANSACTIONS_CHECK,
  EOS_TRANSACTIONAL_OUTPUT_CHECK,
  FENCE_CHECK,
  FENCE_DRAIN_CHECK,
  fenceReasons,
  transactionalOutputFindings,
  type FencedJob,
  type TransactionalOutputData,
} from './fence-evidence.js';
import { decide } from './outcome.js';

// A world after the fence, as scenarios/harness/fence.ts records it: jobs and
// how they were stopped, per partition the high watermark, the last stable
// offset and how far the reader got, the open transactions, how each
// partition was written (records in the job's transactions, outside any, in
// transactions of other producers; commit markers of the job's producers),
// and which of the checks made it into the history at all.
interface Written {
  inJobTransactions: number;
  outside: number;
  foreign: number;
  commits: number;
}
interface World {
  sink: SinkSemantics;
  jobs: FencedJob[];
  parts: { partition: number; hwm: number; lso: number; read: number }[];
  open: { transactionalId: string; state: string }[];
  written: Written[];
  /** The prefix's transactional ids are listed (false: the broker knows none of the job's). */
  jobIdsListed: boolean;
  present: { fence: boolean; drain: boolean; lso: boolean; txns: boolean; tx: boolean };
  unavailable: { lso: boolean; txns: boolean; tx: boolean };
}

/** The job's producer id, as `kafka-transactions.sh list` shows it, and another writer's. */
const JOB_PID = '7';
const FOREIGN_PID = '99';

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

function writtenArb(): fc.Arbitrary<Written> {
  return fc.record({ inJobTransactions: fc.nat(20), outside: fc.nat(3), foreign: fc.nat(2), commits: fc.nat(3) });
}

const worldArb: fc.Arbitrary<World> = fc.record({
  sink: fc.constantFrom<SinkSemantics>('exactly-once', 'at-least-once'),
  jobs: fc.array(jobArb, { maxLength: 3 }),
  parts: fc.tuple(partArb(0), partArb(1)).map((p) => [...p]),
  open: fc.array(fc.record({ transactionalId: fc.constantFrom('click-event-count-0-7', 'click-event-count-1-9'), state: fc.constantFrom('Ongoing', 'PrepareCommit') }), { maxLength: 2 }),
  written: fc.tuple(writtenArb(), writtenArb()).map((p) => [...p]),
  jobIdsListed: fc.boolean(),
  present: fc.record({ fence: fc.boolean(), drain: fc.boolean(), lso: fc.boolean(), txns: fc.boolean(), tx: fc.boolean() }),
  unavailable: fc.record({ lso: fc.boolean(), txns: fc.boolean(), tx: fc.boolean() }),
});

/** The same world with nothing wrong: every job stopped with a savepoint, everything read, nothing open. */
const cleanWorldArb: fc.Arbitrary<World> = worldArb.map((w) => ({
  ...w,
  jobs: w.jobs.map((j) => ({ ...j, how: 'stop-with-savepoint' as const, finalState: 'FINISHED' })),
  parts: w.parts.map((p) => ({ ...p, lso: p.hwm, read: p.hwm })),
  open: [],
  // Written only in the job's transactions, each partition with output committed at least once.
  written: w.written.map((x) => ({ ...x, outside: 0, foreign: 0, commits: x.inJobTransactions > 0 ? Math.max(1, x.commits) : x.commits })),
  jobIdsListed: true,
  present: { fence: true, drain: true, lso: true, txns: true, tx: true },
  unavailable: { lso: false, txns: false, tx: false },
}));

const recordsOf = (x: Written) => x.inJobTransactions + x.outside + x.foreign;

/** The 'eos-transactional-output' check's data for the world, read to each partition's high watermark. */
function transactionalData(w: World): TransactionalOutputData {
  return {
    topic: 'output',
    prefix: 'click-event-count',
    transactionalIds: w.jobIdsListed ? [{ transactionalId: 'click-event-count-0-1', producerId: Number(JOB_PID), state: 'CompleteCommit' }] : [],
    partitions: w.parts.map((p, i) => {
      const x = w.written[i]!;
      return {
        partition: p.partition,
        from: '0',
        to: String(p.hwm),
        dataRecords: recordsOf(x),
        outsideTransactions: x.outside,
        ...(x.outside > 0 ? { firstOutsideOffset: String(x.inJobTransactions) } : {}),
        transactionalProducers: [...(x.inJobTransactions > 0 ? [JOB_PID] : []), ...(x.foreign > 0 ? [FOREIGN_PID] : [])],
        commitMarkers: x.commits,
        abortMarkers: 0,
        committingProducers: x.commits > 0 ? [JOB_PID] : [],
      };
    }),
  };
}

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
  if (w.sink === 'exactly-once' && w.present.tx) {
    const data = transactionalData(w);
    out.push({
      t: t + 4, kind: 'check', name: EOS_TRANSACTIONAL_OUTPUT_CHECK, ok: transactionalOutputFindings(data).length === 0, detail: 'tx',
      data: w.unavailable.tx ? { topic: 'output', prefix: 'click-event-count', unavailable: true } : { ...data },
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
      fc.property(cleanWorldArb, fc.constantFrom('fence', 'drain', 'lso', 'txns', 'tx'), (w, gone) => {
        const missing = { ...w, present: { ...w.present, [gone]: false } };
        const expected = { fence: 'fence.job-not-stopped', drain: 'fence.not-drained', lso: 'eos.check-unavailable', txns: 'eos.check-unavailable', tx: 'eos.check-unavailable' }[gone];
        const eosOnly = gone === 'lso' || gone === 'txns' || gone === 'tx';
        const outcome = decide(fenceReasons({ events: events(missing) }, w.sink));
        if (w.sink === 'at-least-once' && eosOnly) expect(outcome.outcome).toBe('pass');
        else expect(outcome.reasons).toContainEqual(expect.objectContaining({ code: expected, effect: 'inconclusive' }));
        if (!(w.sink === 'at-least-once' && eosOnly)) expect(outcome.outcome).not.toBe('pass');
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

  test('after a cancel, what the sink left open is inconclusive, never a fail (records written outside its transactions still fail)', () => {
    fc.assert(
      fc.property(worldArb.filter((w) => w.present.fence && w.jobs.some((j) => j.how === 'cancel')), (w) => {
        const r = fenceReasons({ events: events(w) }, w.sink);
        // Not the job's: records outside transactions, of a foreign producer, or of a producer no listed id of the prefix holds.
        const notTheJobs = w.written.some((x) => x.outside > 0 || x.foreign > 0 || (!w.jobIdsListed && x.inJobTransactions > 0));
        expect(r.filter((x) => x.effect === 'fail' && !(notTheJobs && x.code === 'eos.not-transactional'))).toEqual([]);
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

describe('exactly-once output written in the job\'s transactions', () => {
  const eoClean = cleanWorldArb.filter((w) => w.sink === 'exactly-once');
  const notTransactional = (w: World) => fenceReasons({ events: events(w) }, 'exactly-once').filter((r) => r.code === 'eos.not-transactional');
  const anyRecords = (w: World) => w.written.some((x) => recordsOf(x) > 0);

  test('the findings are empty exactly when every record is in a transaction of the job and one of its commits is in the log', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const shows = w.written.every((x) => x.outside === 0 && x.foreign === 0) && w.jobIdsListed && w.written.some((x) => x.commits > 0);
        expect(transactionalOutputFindings(transactionalData(w)).length === 0).toBe(shows || !anyRecords(w));
      }),
    );
  });

  test('records outside any transaction fail (eos.not-transactional), naming the partitions, whatever else the fence saw', () => {
    fc.assert(
      fc.property(worldArb.filter((w) => w.sink === 'exactly-once' && w.present.tx && !w.unavailable.tx), fc.subarray([0, 1], { minLength: 1 }), fc.integer({ min: 1, max: 5 }), (w0, ps, n) => {
        // read as far as the final read went (else the check is not conclusive)
        const w = { ...w0, parts: w0.parts.map((p) => ({ ...p, read: p.hwm })), written: w0.written.map((x, i) => ({ ...x, outside: ps.includes(i) ? n : 0 })) };
        const [r] = notTransactional(w);
        expect(r?.effect).toBe('fail');
        expect(r!.message).toContain('outside any transaction');
        const named = (r!.evidence!.partitions as { partition: number; outsideTransactions: number }[]).filter((p) => p.outsideTransactions > 0).map((p) => p.partition);
        expect(named).toEqual(ps);
        // a cancel, an open transaction or a short read changes nothing about it
        expect(decide(fenceReasons({ events: events(w) }, 'exactly-once')).outcome).toBe('fail');
      }),
    );
  });

  test('the at-least-once sink that claims exactly-once (no transaction at all, no marker, no id of the prefix) fails', () => {
    fc.assert(
      fc.property(eoClean.filter(anyRecords), (clean) => {
        const alo = { ...clean, jobIdsListed: false, written: clean.written.map((x) => ({ inJobTransactions: 0, outside: recordsOf(x), foreign: 0, commits: 0 })) };
        const out = decide(fenceReasons({ events: events(alo) }, 'exactly-once'));
        expect(out.outcome).toBe('fail');
        expect(out.reasons.filter((r) => r.effect === 'fail').map((r) => r.code)).toEqual(['eos.not-transactional']);
        expect(notTransactional(alo)[0]!.message).toMatch(/outside any transaction.*no COMMIT marker/);
      }),
    );
  });

  test("transactions that are not the job's, or that never committed, fail too", () => {
    fc.assert(
      fc.property(eoClean.filter(anyRecords), fc.constantFrom('foreign', 'no-commit', 'ids-unknown'), (clean, how) => {
        const w =
          how === 'foreign' ? { ...clean, written: clean.written.map((x) => ({ ...x, foreign: 1 })) }
          : how === 'no-commit' ? { ...clean, written: clean.written.map((x) => ({ ...x, commits: 0 })) }
          : { ...clean, jobIdsListed: false };
        expect(notTransactional(w).map((r) => r.effect)).toEqual(['fail']);
      }),
    );
  });

  test('a job cancelled before any commit: no COMMIT marker alone is inconclusive, not a fail', () => {
    fc.assert(
      fc.property(eoClean.filter(anyRecords), jobArb, (clean, job) => {
        const w = { ...clean, jobs: [...clean.jobs, { ...job, how: 'cancel' as const, finalState: 'CANCELED' }], written: clean.written.map((x) => ({ ...x, commits: 0 })) };
        expect(notTransactional(w).map((r) => r.effect)).toEqual(['inconclusive']);
        expect(decide(fenceReasons({ events: events(w) }, 'exactly-once')).outcome).toBe('inconclusive');
      }),
    );
  });

  test('a clean exactly-once fence says so (info), and an empty output is left to the oracle', () => {
    fc.assert(
      fc.property(eoClean, (w) => {
        const r = fenceReasons({ events: events(w) }, 'exactly-once').filter((x) => x.code.startsWith('eos.'));
        expect(r).toEqual([expect.objectContaining({ code: 'eos.transactional-output', effect: 'info' })]);
        const empty = { ...w, written: w.written.map(() => ({ inJobTransactions: 0, outside: 0, foreign: 0, commits: 0 })), jobIdsListed: false };
        expect(decide(fenceReasons({ events: events(empty) }, 'exactly-once')).outcome).toBe('pass');
      }),
    );
  });

  test('a read that failed, or stopped short of where the final read went, is inconclusive, never a pass', () => {
    fc.assert(
      fc.property(eoClean, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), (w, p, gap, failed) => {
        const bad = failed
          ? { ...w, unavailable: { ...w.unavailable, tx: true } }
          : { ...w, parts: w.parts.map((x) => (x.partition === p ? { ...x, hwm: x.hwm + gap, lso: x.lso + gap, read: x.read + gap } : x)) };
        const evs = events(bad);
        // the batches read to the old high watermark: rewrite the drain to the new one
        const out = decide(fenceReasons({ events: failed ? evs : evs.map((e) => (e.kind === 'check' && e.name === EOS_TRANSACTIONAL_OUTPUT_CHECK ? { ...e, data: { ...transactionalData(w) } } : e)) }, 'exactly-once'));
        expect(out.outcome).toBe('inconclusive');
        expect(out.reasons).toContainEqual(expect.objectContaining({ code: 'eos.check-unavailable', effect: 'inconclusive', evidence: expect.objectContaining({ check: EOS_TRANSACTIONAL_OUTPUT_CHECK }) }));
      }),
    );
  });
});
