// The differential oracle for any deterministic job: a fault-free reference run
// on the same input gives the expected output, and the faulted run must match
// it. Exactly-once sink: the same multiset of records. At-least-once: the same
// set, where the only surplus allowed is identical copies. A record is its
// (key, value) pair; where it sits (partition, offset) is reported, never
// compared: a restore or a rescale moves records legitimately.
//
// Two reference runs that differ mean the job is not deterministic on a
// fault-free run: then nothing can be judged against them, and the outcome is
// inconclusive with an example, never a pass or a fail.
//
// Outputs can be large: every input is an Iterable read once, and the work is
// linear, in Maps of counts per distinct record (a few example locations each).
import type { SinkSemantics } from '../history/types.js';
import type { Reason } from './outcome.js';

/** One output record as the oracle compares it: the key the declaration names, the value, where it was read. */
export interface KeyedRecord {
  key: string;
  value: string;
  /** Absent for a reference derived from the input rather than read from a topic. */
  partition?: number;
  offset?: string;
}

export interface RecordLocation {
  partition: number;
  offset: string;
}

export type DifferenceKind = 'missing' | 'unexpected' | 'duplicate';

export interface Difference {
  kind: DifferenceKind;
  key: string;
  value: string;
  /** Copies the reference holds (the first reference run). */
  expected: number;
  /** Copies the faulted run holds. */
  actual: number;
  /** Where the faulted run's copies sit (unexpected, duplicate) or the reference's (missing); the first few. */
  locations: RecordLocation[];
}

export interface DifferentialVerdict {
  sink: SinkSemantics;
  /** False when the reference runs disagree: then `differences` is empty, nothing was judged. */
  deterministic: boolean;
  /** The reference runs' first disagreement: one record and its copies in each run. */
  nondeterminism?: { key: string; value: string; runs: [number, number]; copies: [number, number]; locations: RecordLocation[] };
  /** Failures only (at-least-once's identical copies are not one), the first `maxExamples` of each kind. */
  differences: Difference[];
  counts: {
    referenceRuns: number;
    referenceRecords: number;
    actualRecords: number;
    /** Records (copies) of each kind. */
    missing: number;
    unexpected: number;
    duplicate: number;
    /** At-least-once: surplus identical copies, allowed. */
    toleratedDuplicates: number;
  };
}

export interface DifferentialOptions {
  sink: SinkSemantics;
  /** Differences kept per kind (counts are always complete). */
  maxExamples?: number;
  /** Example locations kept per record. */
  maxLocations?: number;
}

interface Tally {
  key: string;
  value: string;
  count: number;
  locations: RecordLocation[];
}

/** One run's records as counts per distinct (key, value), a few locations each. */
export function tally(records: Iterable<KeyedRecord>, maxLocations = 3): { byRecord: Map<string, Tally>; total: number } {
  const byRecord = new Map<string, Tally>();
  let total = 0;
  for (const r of records) {
    total++;
    const id = recordId(r);
    let t = byRecord.get(id);
    if (!t) byRecord.set(id, (t = { key: r.key, value: r.value, count: 0, locations: [] }));
    t.count++;
    if (r.partition !== undefined && r.offset !== undefined && t.locations.length < maxLocations) t.locations.push({ partition: r.partition, offset: r.offset });
  }
  return { byRecord, total };
}

/** Judges the faulted run against one or more reference runs of the same input. */
export function differential(references: readonly Iterable<KeyedRecord>[], actual: Iterable<KeyedRecord>, options: DifferentialOptions): DifferentialVerdict {
  if (references.length === 0) throw new Error('the differential oracle needs at least one reference run');
  const { sink } = options;
  const maxExamples = options.maxExamples ?? 20;
  const maxLocations = options.maxLocations ?? 3;
  const refs = references.map((r) => tally(r, maxLocations));
  const first = refs[0]!;
  const counts = {
    referenceRuns: refs.length,
    referenceRecords: first.total,
    actualRecords: 0,
    missing: 0,
    unexpected: 0,
    duplicate: 0,
    toleratedDuplicates: 0,
  };
  for (let i = 1; i < refs.length; i++) {
    const disagreement = firstDisagreement(refs, i, sink);
    if (disagreement) {
      const run = tally(actual, 0);
      counts.actualRecords = run.total;
      return { sink, deterministic: false, nondeterminism: disagreement, differences: [], counts };
    }
  }

  const run = tally(actual, maxLocations);
  counts.actualRecords = run.total;
  const differences: Difference[] = [];
  const kept: Record<DifferenceKind, number> = { missing: 0, unexpected: 0, duplicate: 0 };
  const report = (d: Difference, copies: number) => {
    counts[d.kind] += copies;
    if (kept[d.kind]++ < maxExamples) differences.push(d);
  };
  for (const [id, ref] of first.byRecord) {
    const got = run.byRecord.get(id);
    const n = got?.count ?? 0;
    // At-least-once compares sets: one copy is enough.
    const need = sink === 'exactly-once' ? ref.count : 1;
    if (n < need) report({ kind: 'missing', key: ref.key, value: ref.value, expected: ref.count, actual: n, locations: ref.locations }, need - n);
    else if (n > ref.count) {
      if (sink === 'exactly-once') report({ kind: 'duplicate', key: ref.key, value: ref.value, expected: ref.count, actual: n, locations: got!.locations }, n - ref.count);
      else counts.toleratedDuplicates += n - ref.count;
    }
  }
  for (const [id, got] of run.byRecord) {
    if (first.byRecord.has(id)) continue;
    report({ kind: 'unexpected', key: got.key, value: got.value, expected: 0, actual: got.count, locations: got.locations }, got.count);
  }
  return { sink, deterministic: true, differences, counts };
}

/** Reference run i against run 0, compared as the sink compares (multiset or set). */
function firstDisagreement(refs: { byRecord: Map<string, Tally> }[], i: number, sink: SinkSemantics): DifferentialVerdict['nondeterminism'] {
  const a = refs[0]!.byRecord;
  const b = refs[i]!.byRecord;
  const same = (x: number, y: number) => (sink === 'exactly-once' ? x === y : x > 0 === y > 0);
  const example = (t: Tally, other: Tally | undefined, otherFirst: boolean) => ({
    key: t.key,
    value: t.value,
    runs: [0, i] as [number, number],
    copies: (otherFirst ? [other?.count ?? 0, t.count] : [t.count, other?.count ?? 0]) as [number, number],
    locations: [...t.locations, ...(other?.locations ?? [])],
  });
  for (const [id, t] of a) if (!same(t.count, b.get(id)?.count ?? 0)) return example(t, b.get(id), false);
  for (const [id, t] of b) if (!a.has(id)) return example(t, undefined, true);
  return undefined;
}

/** The verdict as reasons for decide(): differences fail, disagreeing references are inconclusive. */
export function differentialReasons(v: DifferentialVerdict): Reason[] {
  if (!v.deterministic) {
    const n = v.nondeterminism!;
    return [
      {
        code: 'differential.nondeterministic-job',
        effect: 'inconclusive',
        message: `non-deterministic job: ${v.counts.referenceRuns} fault-free reference runs of the same input differ, e.g. key ${n.key} value ${clip(n.value)} has ${n.copies[0]} cop(ies) in run ${n.runs[0] + 1} and ${n.copies[1]} in run ${n.runs[1] + 1}; not judged`,
        evidence: { example: n, counts: v.counts },
      },
    ];
  }
  const reasons: Reason[] = [];
  for (const kind of ['missing', 'unexpected', 'duplicate'] as const) {
    const examples = v.differences.filter((d) => d.kind === kind);
    if (v.counts[kind] === 0) continue;
    const e = examples[0]!;
    reasons.push({
      code: `differential.${kind}`,
      effect: 'fail',
      message: `${v.counts[kind]} ${kind} record(s) against the reference (${v.sink}), e.g. key ${e.key} value ${clip(e.value)}: ${e.actual} of ${e.expected} cop${e.expected === 1 ? 'y' : 'ies'}${e.locations.length ? ` at ${e.locations.map((l) => `p${l.partition}@${l.offset}`).join(', ')}` : ''}`,
      evidence: { count: v.counts[kind], examples },
    });
  }
  if (reasons.length === 0 && v.counts.referenceRecords === 0) {
    reasons.push({
      code: 'differential.empty-reference',
      effect: 'inconclusive',
      message: 'the reference holds no record: an empty output matches it, so nothing was checked',
      evidence: { counts: v.counts },
    });
  } else if (reasons.length === 0) {
    reasons.push({
      code: 'differential.matched',
      effect: 'info',
      message: `output matches the reference (${v.sink}): ${v.counts.actualRecords} records against ${v.counts.referenceRecords}${v.counts.toleratedDuplicates ? `, ${v.counts.toleratedDuplicates} identical at-least-once cop(ies)` : ''}`,
      evidence: { counts: v.counts },
    });
  }
  return reasons;
}

const recordId = (r: { key: string; value: string }) => `${r.key.length}:${r.key}${r.value}`;

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);
