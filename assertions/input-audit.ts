// Pure: the input audit before the verdict. The oracle's expectation is the
// generator's ledger; it is Flink's input only if the input topic holds
// exactly what the ledger accounts for, partition by partition (the
// generator is its only writer, so end = start + written). A topic that holds
// less lost acknowledged writes (a Kafka durability defect, or a harness
// one); a topic that holds more kept a write the ledger does not count. Either
// way the oracle would judge Flink against input it did not read: inconclusive,
// never a Flink failure, and never a pass.
import type { HistoryEvent } from '../history/types.js';
import { lastCheck, offset as big } from './fence-evidence.js';
import type { Reason } from './outcome.js';

export const INPUT_AUDIT_CHECK = 'input-audit';

/** One partition of the 'input-audit' check's data; offsets as decimal strings. */
export interface InputAuditPartition {
  partition: number;
  /** Where the generator found the partition's end before its first write. */
  start: string;
  /** Records the generator knows Kafka kept (clicks and raw records). */
  written: number;
  /** The partition's high watermark after the input ended. */
  end: string;
}

/** The 'input-audit' check's data. */
export interface InputAuditData {
  topic: string;
  partitions: InputAuditPartition[];
  /** Failed sends the generator reconciled with the topic's end (kept, or sent again). */
  recoveries: number;
  /** Set when the topic's end could not be read. */
  error?: string;
}

/** Per partition: the end the ledger implies and the end Kafka has, where they differ. */
export function inputDifferences(data: InputAuditData): { partition: number; expected: bigint; end: bigint }[] {
  const out: { partition: number; expected: bigint; end: bigint }[] = [];
  for (const p of data.partitions) {
    const start = big(p.start);
    const end = big(p.end);
    if (start === undefined || end === undefined || !Number.isInteger(p.written)) continue;
    const expected = start + BigInt(p.written);
    if (expected !== end) out.push({ partition: p.partition, expected, end });
  }
  return out;
}

function wellFormed(d: Record<string, unknown> | undefined): d is Record<string, unknown> & InputAuditData {
  if (!d || typeof d.topic !== 'string' || !Array.isArray(d.partitions)) return false;
  return d.partitions.every(
    (p: unknown) => typeof p === 'object' && p !== null && typeof (p as InputAuditPartition).partition === 'number' && big((p as InputAuditPartition).start) !== undefined && big((p as InputAuditPartition).end) !== undefined && Number.isInteger((p as InputAuditPartition).written),
  );
}

/**
 * The audit's reasons. `required`: the run wrote input with the generator and
 * was judged, so a missing audit leaves the expectation unproven.
 */
export function inputAuditReasons(history: { readonly events: readonly HistoryEvent[] }, required: boolean): Reason[] {
  const check = lastCheck(history.events, INPUT_AUDIT_CHECK);
  if (!check) {
    return required ? [{ code: 'workload.input-unaudited', effect: 'inconclusive', message: 'the input topic was not audited against the ledger: the expected counts are unproven' }] : [];
  }
  const data = check.data;
  if (data && typeof data.error === 'string') {
    return [{ code: 'workload.input-unaudited', effect: 'inconclusive', message: `the input topic's end could not be read to audit the ledger: ${data.error}` }];
  }
  if (!wellFormed(data) || data.partitions.length === 0) {
    return [{ code: 'workload.input-unaudited', effect: 'inconclusive', message: 'the input audit recorded no partition to compare' }];
  }
  const reasons: Reason[] = [];
  const diffs = inputDifferences(data);
  if (diffs.length > 0) {
    const text = diffs.map((d) => `${data.topic}-${d.partition}: the ledger accounts for ${d.expected}, the topic ends at ${d.end} (${d.end < d.expected ? `${d.expected - d.end} acknowledged records lost` : `${d.end - d.expected} records the ledger does not count`})`);
    reasons.push({
      code: 'workload.input-mismatch',
      effect: 'inconclusive',
      message: `the input topic is not what the ledger counts, so the oracle's expectation is not Flink's input: ${text.join('; ')}`,
      evidence: { topic: data.topic, partitions: diffs.map((d) => ({ partition: d.partition, expected: String(d.expected), end: String(d.end) })) },
    });
  }
  if (typeof data.recoveries === 'number' && data.recoveries > 0) {
    reasons.push({
      code: 'workload.send-recovered',
      effect: 'info',
      message: `${data.recoveries} failed send(s) of the generator reconciled with the topic's end (what Kafka kept counted, the rest sent again)`,
    });
  }
  return reasons;
}
