// A record-by-record check in the spirit of Jepsen's Kafka checker, for a job
// that writes one output record per distinct input event, carrying the
// event's id (the deduplication job): every id Kafka acknowledged on input
// must come out (else lost), once (else duplicated: a failure for an
// exactly-once sink, allowed for at-least-once), and nothing else may come
// out (unexpected ids, records without an id).
//
// Linear and streaming: the output is read once, counted in a Map per id.
import type { SinkSemantics } from '../history/types.js';
import type { RecordLocation } from './differential.js';
import type { Reason } from './outcome.js';

/** One output record reduced to its id; `id` undefined: the record holds none (malformed). */
export interface IdRecord extends RecordLocation {
  id: string | undefined;
}

export interface RecordIdVerdict {
  sink: SinkSemantics;
  /** Acknowledged ids never seen in the output (the first `maxExamples`). */
  lost: string[];
  /** Ids seen more than once. */
  duplicated: { id: string; copies: number; locations: RecordLocation[] }[];
  /** Ids no acknowledged input carried. */
  unexpected: { id: string; locations: RecordLocation[] }[];
  malformed: RecordLocation[];
  counts: { expected: number; output: number; lost: number; duplicated: number; duplicateCopies: number; unexpected: number; malformed: number; ok: number };
}

/**
 * `expected`: the distinct ids Kafka acknowledged on input (an id acknowledged
 * twice counts once). `output`: every output record, in any order.
 */
export function checkRecordIds(
  expected: Iterable<string>,
  output: Iterable<IdRecord>,
  options: { sink: SinkSemantics; maxExamples?: number; maxLocations?: number },
): RecordIdVerdict {
  const maxExamples = options.maxExamples ?? 20;
  const maxLocations = options.maxLocations ?? 3;
  const want = new Set(expected);
  const seen = new Map<string, { copies: number; locations: RecordLocation[] }>();
  const malformed: RecordLocation[] = [];
  let outputs = 0;
  let malformedCount = 0;
  for (const r of output) {
    outputs++;
    if (r.id === undefined) {
      malformedCount++;
      if (malformed.length < maxExamples) malformed.push({ partition: r.partition, offset: r.offset });
      continue;
    }
    let s = seen.get(r.id);
    if (!s) seen.set(r.id, (s = { copies: 0, locations: [] }));
    s.copies++;
    if (s.locations.length < maxLocations) s.locations.push({ partition: r.partition, offset: r.offset });
  }
  const counts = { expected: want.size, output: outputs, lost: 0, duplicated: 0, duplicateCopies: 0, unexpected: 0, malformed: malformedCount, ok: 0 };
  const lost: string[] = [];
  for (const id of want) {
    if (seen.has(id)) continue;
    counts.lost++;
    if (lost.length < maxExamples) lost.push(id);
  }
  const duplicated: RecordIdVerdict['duplicated'] = [];
  const unexpected: RecordIdVerdict['unexpected'] = [];
  for (const [id, s] of seen) {
    if (!want.has(id)) {
      counts.unexpected++;
      if (unexpected.length < maxExamples) unexpected.push({ id, locations: s.locations });
      continue;
    }
    counts.ok++;
    if (s.copies > 1) {
      counts.duplicated++;
      counts.duplicateCopies += s.copies - 1;
      if (duplicated.length < maxExamples) duplicated.push({ id, copies: s.copies, locations: s.locations });
    }
  }
  return { sink: options.sink, lost, duplicated, unexpected, malformed, counts };
}

/** The verdict as reasons: lost, unexpected and malformed fail; duplicated fails for exactly-once only. */
export function recordIdReasons(v: RecordIdVerdict): Reason[] {
  const reasons: Reason[] = [];
  const at = (ls: readonly RecordLocation[]) => ls.map((l) => `p${l.partition}@${l.offset}`).join(', ');
  if (v.counts.expected === 0) {
    reasons.push({ code: 'record-ids.no-input', effect: 'inconclusive', message: 'no input id was acknowledged: nothing to check', evidence: { counts: v.counts } });
  }
  if (v.counts.lost) {
    reasons.push({
      code: 'record-ids.lost',
      effect: 'fail',
      message: `${v.counts.lost} of ${v.counts.expected} acknowledged id(s) never in the output, e.g. ${v.lost.slice(0, 5).join(', ')}`,
      evidence: { count: v.counts.lost, examples: v.lost },
    });
  }
  if (v.counts.duplicated) {
    const e = v.duplicated[0]!;
    const eos = v.sink === 'exactly-once';
    reasons.push({
      code: 'record-ids.duplicated',
      effect: eos ? 'fail' : 'info',
      message: `${v.counts.duplicated} id(s) written more than once (${v.counts.duplicateCopies} surplus cop(ies)${eos ? ', exactly-once sink' : ', allowed at-least-once'}), e.g. ${e.id} x${e.copies} at ${at(e.locations)}`,
      evidence: { count: v.counts.duplicated, copies: v.counts.duplicateCopies, examples: v.duplicated },
    });
  }
  if (v.counts.unexpected) {
    const e = v.unexpected[0]!;
    reasons.push({
      code: 'record-ids.unexpected',
      effect: 'fail',
      message: `${v.counts.unexpected} id(s) in the output that no acknowledged input carried, e.g. ${e.id} at ${at(e.locations)}`,
      evidence: { count: v.counts.unexpected, examples: v.unexpected },
    });
  }
  if (v.counts.malformed) {
    reasons.push({
      code: 'record-ids.malformed',
      effect: 'fail',
      message: `${v.counts.malformed} output record(s) without an id, e.g. at ${at(v.malformed.slice(0, 3))}`,
      evidence: { count: v.counts.malformed, examples: v.malformed },
    });
  }
  if (reasons.length === 0) {
    reasons.push({ code: 'record-ids.ok', effect: 'info', message: `every one of ${v.counts.expected} acknowledged id(s) written exactly once`, evidence: { counts: v.counts } });
  }
  return reasons;
}
