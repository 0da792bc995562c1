// Pure: what the fence before the final read (scenarios/harness/fence.ts)
// left in the history, turned into reasons. The output the oracle judged is
// complete only if every job was stopped before the last read and the reader
// reached the end of every partition; for the exactly-once sink the broker
// must also show nothing left in flight: the last stable offset at the high
// watermark and no open transaction of the job's transactional-id prefix; and
// that the output was written in the job's transactions at all: every record
// in a transactional batch of a producer of the prefix, and at least one
// COMMIT marker of such a producer (Kafka's own log, read batch by batch).
//
// Judged from each check's data, not its `ok`: the rule, not the recorder,
// decides. The last check of each name counts (a fence is run once; a second
// one supersedes the first).
import { READER_ABORTED_CHECK } from '../history/aborted-reads.js';
import type { PartitionTransactionLog, TransactionListing } from '../history/transactions.js';
import type { HistoryEvent, SinkSemantics } from '../history/types.js';
import type { Reason } from './outcome.js';

export { LATE_DROPS_METRIC } from './late-drops.js';

/** Names of the fence's 'check' events. */
export const FENCE_CHECK = 'fence';
export const FENCE_DRAIN_CHECK = 'fence-drain';
export const EOS_LSO_CHECK = 'eos-lso';
export const EOS_OPEN_TRANSACTIONS_CHECK = 'eos-open-transactions';
export const EOS_TRANSACTIONAL_OUTPUT_CHECK = 'eos-transactional-output';
/** Recorded only when the window operator's numLateRecordsDropped could not be read (judged by assertions/late-drops.ts). */
export const LATE_DROPS_CHECK = 'late-drops-metric';

/** How the fence stopped one job (the 'fence' check's data.jobs). */
export interface FencedJob {
  jobId: string;
  how: 'stop-with-savepoint' | 'cancel' | 'ended-by-itself';
  /** Flink's state afterwards: FINISHED, CANCELED, FAILED, or whatever it still was. */
  finalState: string;
  ms: number;
  savepoint?: string;
  /** Why the clean stop did not happen (cancel), or what went wrong on the way. */
  why?: string;
}

/** One partition's end after the fence (the 'eos-lso' and 'fence-drain' checks' data.partitions); offsets as decimal strings. */
export interface PartitionEnd {
  partition: number;
  hwm: string;
  lso: string;
  /** 'fence-drain' only: the reader's position (next offset to read). */
  read?: string;
}

/** The 'eos-transactional-output' check's data: how `output` was written, and the transactional ids of the job's prefix. */
export interface TransactionalOutputData {
  topic: string;
  prefix: string;
  /** `kafka-transactions.sh list`, the ids starting with the prefix. */
  transactionalIds: Pick<TransactionListing, 'transactionalId' | 'producerId' | 'state'>[];
  /** Per partition, read from its record batches after the jobs ended. */
  partitions: PartitionTransactionLog[];
}

const ENDED = new Set(['FINISHED', 'CANCELED', 'FAILED']);

type CheckEvent = Extract<HistoryEvent, { kind: 'check' }>;

/** The latest 'check' event of that name (a fence may be recorded more than once). */
export function lastCheck(events: readonly HistoryEvent[], name: string): CheckEvent | undefined {
  let found: CheckEvent | undefined;
  for (const e of events) if (e.kind === 'check' && e.name === name && (!found || e.t >= found.t)) found = e;
  return found;
}

/** An int64 offset as JSON carries it (decimal string or number), or undefined. */
export function offset(x: unknown): bigint | undefined {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  try {
    return BigInt(x);
  } catch {
    return undefined;
  }
}

function partitionsOf(c: CheckEvent | undefined): PartitionEnd[] | undefined {
  const p = c?.data?.partitions;
  if (!Array.isArray(p) || p.length === 0) return undefined;
  const ok = p.every((x) => typeof x === 'object' && x !== null && typeof x.partition === 'number' && offset(x.hwm) !== undefined && offset(x.lso) !== undefined);
  return ok ? (p as PartitionEnd[]) : undefined;
}

/**
 * The fence's reasons: inconclusive when the harness cannot show that the
 * output it judged is all there is; fail when the exactly-once sink left
 * something in flight after a clean stop.
 */
export function fenceReasons(history: { readonly events: readonly HistoryEvent[] }, sink: SinkSemantics): Reason[] {
  const reasons: Reason[] = [];
  const fence = lastCheck(history.events, FENCE_CHECK);
  const jobs = Array.isArray(fence?.data?.jobs) ? (fence.data.jobs as FencedJob[]) : undefined;
  const stillLive = Array.isArray(fence?.data?.stillLive) ? (fence.data.stillLive as string[]) : [];
  const notEnded = (jobs ?? []).filter((j) => !ENDED.has(j.finalState));
  if (!fence || !jobs) {
    reasons.push({ code: 'fence.job-not-stopped', effect: 'inconclusive', message: 'no fence before the final read: the job may have written after the output was read' });
  } else if (notEnded.length > 0 || stillLive.length > 0 || !fence.ok) {
    reasons.push({
      code: 'fence.job-not-stopped',
      effect: 'inconclusive',
      message: `the fence did not stop every job before the final read: ${fence.detail}`,
      evidence: { jobs: notEnded, stillLive },
    });
  }
  // A cancelled job was not stopped cleanly: its sink had no chance to commit,
  // so what it left open is expected, not an exactly-once defect.
  const cancelled = (jobs ?? []).filter((j) => j.how === 'cancel');
  const cleanStop = fence !== undefined && jobs !== undefined && cancelled.length === 0;
  if (cancelled.length > 0) {
    reasons.push({
      code: 'fence.cancelled',
      effect: 'info',
      message: `the fence cancelled ${cancelled.map((j) => `${j.jobId} (${j.why ?? 'no reason'})`).join(', ')}: stop with savepoint did not end it`,
      evidence: { jobs: cancelled },
    });
  }

  const drain = lastCheck(history.events, FENCE_DRAIN_CHECK);
  const drainParts = partitionsOf(drain);
  const unread = (drainParts ?? []).filter((p) => offset(p.read) === undefined || offset(p.read)! < offset(sink === 'exactly-once' ? p.lso : p.hwm)!);
  if (!drain || !drainParts || unread.length > 0 || !drain.ok) {
    reasons.push({
      code: 'fence.not-drained',
      effect: 'inconclusive',
      message: drain ? `output was not read to its end after the fence: ${drain.detail}` : 'output was not read to its end after the fence (no drain recorded)',
      evidence: { partitions: unread.length ? unread : (drainParts ?? []) },
    });
  }

  if (sink !== 'exactly-once') return reasons;

  const lso = lastCheck(history.events, EOS_LSO_CHECK);
  const lsoParts = partitionsOf(lso);
  if (!lso || !lsoParts || lso.data?.unavailable === true) {
    reasons.push({
      code: 'eos.check-unavailable',
      effect: 'inconclusive',
      message: lso ? `the last stable offset could not be compared with the high watermark: ${lso.detail}` : 'the last stable offset was not compared with the high watermark',
      evidence: { check: EOS_LSO_CHECK },
    });
  } else {
    const below = lsoParts.filter((p) => offset(p.lso)! < offset(p.hwm)!);
    if (below.length > 0) {
      reasons.push({
        code: 'eos.lso-below-hwm',
        effect: cleanStop ? 'fail' : 'inconclusive',
        message: `the last stable offset stayed below the high watermark after the fence (${below.map((p) => `p${p.partition} ${p.lso} < ${p.hwm}`).join(', ')}): records of an unfinished transaction${cleanStop ? '' : ' (after a cancel)'}`,
        evidence: { partitions: below, deadlineMs: lso.data?.deadlineMs },
      });
    }
  }

  const txns = lastCheck(history.events, EOS_OPEN_TRANSACTIONS_CHECK);
  const open = Array.isArray(txns?.data?.open) ? (txns.data.open as Record<string, unknown>[]) : undefined;
  if (!txns || !open || txns.data?.unavailable === true) {
    reasons.push({
      code: 'eos.check-unavailable',
      effect: 'inconclusive',
      message: txns ? `open transactions could not be listed: ${txns.detail}` : 'open transactions of the sink were not listed',
      evidence: { check: EOS_OPEN_TRANSACTIONS_CHECK },
    });
  } else if (open.length > 0) {
    reasons.push({
      code: 'eos.lingering-transaction',
      effect: cleanStop ? 'fail' : 'inconclusive',
      message: `${open.length} transaction(s) of '${String(txns.data?.prefix ?? '')}*' still open after the fence${cleanStop ? '' : ' (after a cancel)'}: ${open.map((t) => `${String(t.transactionalId)} ${String(t.state)}`).join(', ')}`,
      evidence: { open },
    });
  }
  reasons.push(...transactionalOutputReasons(history.events, drainParts, cleanStop));
  // The reader delivered records of aborted transactions; the judged output left them out (history/aborted-reads.ts).
  const leaked = lastCheck(history.events, READER_ABORTED_CHECK);
  if (leaked && typeof leaked.data?.count === 'number' && leaked.data.count > 0) {
    reasons.push({ code: 'reader.aborted-delivered', effect: 'info', message: leaked.detail, evidence: { count: leaked.data.count } });
  }
  return reasons;
}

function transactionalDataOf(c: CheckEvent | undefined): TransactionalOutputData | undefined {
  const d = c?.data;
  if (!d || d.unavailable === true || typeof d.prefix !== 'string' || !Array.isArray(d.transactionalIds) || !Array.isArray(d.partitions)) return undefined;
  const partitionOk = (p: Record<string, unknown>) =>
    typeof p.partition === 'number' && offset(p.to) !== undefined && typeof p.dataRecords === 'number' && typeof p.outsideTransactions === 'number' &&
    Array.isArray(p.transactionalProducers) && Array.isArray(p.committingProducers);
  return (d.partitions as Record<string, unknown>[]).every((p) => typeof p === 'object' && p !== null && partitionOk(p)) ? (d as unknown as TransactionalOutputData) : undefined;
}

/** One thing that keeps the fence's read from showing the job's transactions. */
export interface TransactionalFinding {
  /** outside: records in no transaction; foreign: in transactions of producers not of the prefix; no-commit: no COMMIT marker of the prefix's producers. */
  kind: 'outside' | 'foreign' | 'no-commit';
  text: string;
}

/**
 * What keeps `data` from showing that the job wrote its output in its own
 * transactions (empty: it shows it, or there was no output). fence.ts sets
 * the check's ok from it; fenceReasons judges by it.
 */
export function transactionalOutputFindings(data: TransactionalOutputData): TransactionalFinding[] {
  const records = data.partitions.reduce((n, p) => n + p.dataRecords, 0);
  if (records === 0) return [];
  const producers = new Set(data.transactionalIds.map((t) => String(t.producerId)));
  const findings: TransactionalFinding[] = [];
  const outside = data.partitions.filter((p) => p.outsideTransactions > 0);
  if (outside.length > 0) {
    findings.push({
      kind: 'outside',
      text: `records written outside any transaction: ${outside.map((p) => `${data.topic}-${p.partition} ${p.outsideTransactions} of ${p.dataRecords} (first at offset ${p.firstOutsideOffset ?? '?'})`).join(', ')}`,
    });
  }
  const foreign = data.partitions
    .map((p) => ({ partition: p.partition, producers: p.transactionalProducers.filter((id) => !producers.has(id)) }))
    .filter((p) => p.producers.length > 0);
  if (foreign.length > 0) {
    findings.push({
      kind: 'foreign',
      text: `transactional records of producer ids no transactional id of '${data.prefix}*' holds: ${foreign.map((p) => `${data.topic}-${p.partition} (${p.producers.slice(0, 5).join(', ')}${p.producers.length > 5 ? ', ...' : ''})`).join(', ')}`,
    });
  }
  if (!data.partitions.some((p) => p.committingProducers.some((id) => producers.has(id)))) {
    findings.push({
      kind: 'no-commit',
      text: `no COMMIT marker of a producer of '${data.prefix}*' in '${data.topic}' (${data.transactionalIds.length} transactional id(s) of the prefix known to the broker)`,
    });
  }
  return findings;
}

/**
 * Exactly-once claimed: the fence's read of the output's record batches must
 * show the job's transactions (transactionalOutputFindings). Not read, or not
 * to where the final read went: inconclusive, never a pass.
 */
function transactionalOutputReasons(events: readonly HistoryEvent[], drained: PartitionEnd[] | undefined, cleanStop: boolean): Reason[] {
  const check = lastCheck(events, EOS_TRANSACTIONAL_OUTPUT_CHECK);
  const data = transactionalDataOf(check);
  if (!data) {
    return [{
      code: 'eos.check-unavailable',
      effect: 'inconclusive',
      message: check ? `the output's record batches could not be read for transactions: ${check.detail}` : "the output's record batches were not read for transactions",
      evidence: { check: EOS_TRANSACTIONAL_OUTPUT_CHECK },
    }];
  }
  // Every partition the final read went through, read for batches at least as far.
  const short = (drained ?? []).filter((d) => {
    const log = data.partitions.find((p) => p.partition === d.partition);
    return !log || offset(log.to)! < offset(d.hwm)!;
  });
  if (short.length > 0) {
    return [{
      code: 'eos.check-unavailable',
      effect: 'inconclusive',
      message: `the output's record batches were not read as far as the final read: ${short.map((d) => `${data.topic}-${d.partition} (high watermark ${d.hwm})`).join(', ')}`,
      evidence: { check: EOS_TRANSACTIONAL_OUTPUT_CHECK, partitions: short },
    }];
  }
  const findings = transactionalOutputFindings(data);
  const summary = data.partitions.map((p) => ({
    partition: p.partition,
    dataRecords: p.dataRecords,
    outsideTransactions: p.outsideTransactions,
    ...(p.firstOutsideOffset === undefined ? {} : { firstOutsideOffset: p.firstOutsideOffset }),
    commitMarkers: p.commitMarkers,
    abortMarkers: p.abortMarkers,
  }));
  if (findings.length > 0) {
    // Records outside the job's transactions are no matter of how the job ended; a
    // job cancelled before its first commit leaves none, which is not a defect.
    const onlyUncommitted = findings.every((f) => f.kind === 'no-commit') && !cleanStop;
    return [{
      code: 'eos.not-transactional',
      effect: onlyUncommitted ? 'inconclusive' : 'fail',
      message: `the run claims the exactly-once sink, but its output was not written in the job's transactions: ${findings.map((f) => f.text).join('; ')}${onlyUncommitted ? ' (after a cancel)' : ''}`,
      evidence: { prefix: data.prefix, transactionalIds: data.transactionalIds.length, partitions: summary },
    }];
  }
  const records = summary.reduce((n, p) => n + p.dataRecords, 0);
  return [{
    code: 'eos.transactional-output',
    effect: 'info',
    message: records === 0
      ? `no record in '${data.topic}' to show transactions`
      : `all ${records} records of '${data.topic}' in transactions of '${data.prefix}*' (${summary.reduce((n, p) => n + p.commitMarkers, 0)} commit markers)`,
    evidence: { partitions: summary },
  }];
}
