// Did a fault of a replicated Kafka (faults/broker-leader.ts) hit, and did the
// job's sink carry on? A pure function of the history, one reason per fault:
// confirmed only with all three of
//   1. the brokers' metadata moved (KAFKA_METADATA_CHECK ok: a new partition
//      leader, a new transaction coordinator, the broker out of every ISR, each
//      broker back in sync after its restart);
//   2. the job noticed: Flink's Kafka clients (Kafka client lines in its nodes'
//      logs, or a task failure on a Kafka exception) during the fault or just
//      after, or else its checkpoints stalled while the fault lasted (a paused
//      coordinator or a fenced broker holds the sink without a client error),
//      or its source stood still on the partition while records waited there
//      (a paused input leader holds the fetch without an error);
//   3. a checkpoint completed after the move (the exactly-once sink commits
//      its transactions on checkpoints: the sink's transactions continued).
// Anything missing is inconclusive, never a pass.
import type { FaultOccurrence } from '../history/fault-occurrences.js';
import type { HistoryEvent } from '../history/types.js';
import { eventsOf as of, type EventOf as Ev } from '../history/events-of.js';
import type { Reason } from './outcome.js';

export type FaultRule = (f: FaultOccurrence, until: number, events: readonly HistoryEvent[]) => Reason;

/** The check faults/broker-leader.ts leaves (its KAFKA_METADATA_CHECK; not imported: assertions read no fault code). */
export const KAFKA_METADATA_CHECK = 'kafka-metadata';
/** Flink's clients may log a lost broker this long after the fault's end. */
export const CLIENT_AFTERMATH_MS = 30_000;

/** The operation that ends each fault whose effect lasts past its ok (a pause, a cut). */
const ENDED_BY: Record<string, string> = {
  'pause-partition-leader': 'unpause-broker',
  'pause-transaction-coordinator': 'unpause-broker',
  'isolate-broker': 'reconnect-broker',
};


/** When the fault's effect ended: its closing operation on the same target, else its ok. */
export function faultEnd(f: FaultOccurrence, events: readonly HistoryEvent[], endedBy = ENDED_BY[f.name]): number | undefined {
  if (!endedBy) return f.okAt;
  return of(events, 'operation').find((o) => o.name === endedBy && o.target === f.target && o.phase === 'ok' && o.t >= f.invokedAt)?.t;
}

/** Kafka client lines of Flink's nodes (optionally one node) and Kafka task failures in [from, to). */
export function kafkaClientLines(events: readonly HistoryEvent[], from: number, to: number, node?: string): { node: string; what: string; t: number; line: string }[] {
  const logged = of(events, 'log-evidence')
    .filter((e) => e.t >= from && e.t < to && e.what.startsWith('kafka-client') && (node === undefined || e.node === node))
    .map((e) => ({ node: e.node, what: e.what, t: e.t, line: e.line }));
  const failed = of(events, 'job-exception')
    .filter((e) => e.timestamp >= from && e.timestamp < to && /\borg\.apache\.kafka\./.test(`${e.exceptionName} ${e.message ?? ''}`))
    .map((e) => ({ node: e.location ?? 'job', what: `job-exception ${e.exceptionName.split('.').at(-1)}`, t: e.timestamp, line: e.message ?? e.exceptionName }));
  return [...logged, ...failed].sort((a, b) => a.t - b.t);
}

/** Names of faults/source-position.ts's samples (not imported: assertions read no fault code). */
export const SOURCE_POSITION_METRIC = 'source-position';
export const PARTITION_END_METRIC = 'partition-end';
/** A source position unchanged for less than this says nothing (a fetch waits up to 500 ms for data). */
export const SOURCE_HELD_MIN_MS = 5_000;

export interface SourceHeld {
  jobId: string;
  /** `<topic>-<partition>` */
  partition: string;
  /** The offset of the last record the source emitted (the KafkaSource reader's currentOffset). */
  position: number;
  end: number;
  /** Records after it, below the end: written, not read. */
  waiting: number;
  heldMs: number;
}

/**
 * A job's source held on a partition over [from, to]: its first and last
 * position samples in the span are equal, at least SOURCE_HELD_MIN_MS apart,
 * and records lie between it and the partition's end (sampled with the last):
 * the position is the offset of the last record emitted, so the next to read
 * is position + 1 and a caught-up source has end = position + 1. Undefined
 * when no job shows that.
 */
export function sourceHeld(events: readonly HistoryEvent[], from: number, to: number): SourceHeld | undefined {
  const metrics = of(events, 'metric').filter((m) => m.t >= from && m.t <= to);
  const positions = new Map<string, Ev<'metric'>[]>();
  for (const m of metrics) {
    if (m.name !== SOURCE_POSITION_METRIC) continue;
    const key = `${m.jobId}\u0000${m.vertex}`;
    positions.set(key, [...(positions.get(key) ?? []), m]);
  }
  for (const samples of positions.values()) {
    const first = samples[0]!;
    const last = samples.at(-1)!;
    if (samples.length < 2 || first.value !== last.value || last.t - first.t < SOURCE_HELD_MIN_MS) continue;
    const end = metrics.filter((m) => m.name === PARTITION_END_METRIC && m.vertex === last.vertex && m.t >= last.t).at(0)?.value;
    if (end !== undefined && end > last.value + 1) return { jobId: last.jobId, partition: last.vertex, position: last.value, end, waiting: end - last.value - 1, heldMs: last.t - first.t };
  }
  return undefined;
}

/** A checkpoint seen this soon after a fault began may have been triggered before it. */
const POLL_SLACK_MS = 1_000;

/**
 * Checkpoints stalled over [from, to): none completed in it (after a poll's
 * slack), while at least 2 completed in as long a time before. Undefined when not.
 */
export function checkpointStall(events: readonly HistoryEvent[], from: number, to: number): { checkpointsBefore: number; checkpointsDuring: number; stalledMs: number } | undefined {
  const checkpoints = of(events, 'checkpoint').filter((c) => c.type === 'checkpoint');
  const before = checkpoints.filter((c) => c.t >= from - (to - from) && c.t < from).length;
  const during = checkpoints.filter((c) => c.t > from + POLL_SLACK_MS && c.t < to).length;
  return before >= 2 && during === 0 && to - from > POLL_SLACK_MS ? { checkpointsBefore: before, checkpointsDuring: during, stalledMs: to - from } : undefined;
}

export function replicatedKafkaEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const end = faultEnd(f, events);
  if (end === undefined) {
    return { code: `fault.${f.name}.no-evidence`, effect: 'inconclusive', message: `${f.name} ${f.target} never ended in the history (no ${ENDED_BY[f.name]})`, evidence: {} };
  }
  const checks = of(events, 'check').filter((c) => c.name === KAFKA_METADATA_CHECK && c.t >= f.invokedAt && c.t < until && c.data?.target === f.target);
  if (checks.length === 0) {
    return { code: `fault.${f.name}.no-evidence`, effect: 'inconclusive', message: `the brokers' metadata was not read after ${f.name} ${f.target}`, evidence: {} };
  }
  const unmoved = checks.find((c) => !c.ok);
  if (unmoved) {
    return { code: `fault.${f.name}.no-effect`, effect: 'inconclusive', message: `the brokers' metadata did not move: ${unmoved.detail}`, evidence: { metadata: unmoved.data } };
  }
  const moved = checks.at(-1)!;
  const metadata = checks.map((c) => c.detail);
  const lines = kafkaClientLines(events, f.invokedAt, Math.min(Math.max(end, moved.t) + CLIENT_AFTERMATH_MS, until));
  const stall = lines.length === 0 ? checkpointStall(events, f.invokedAt, end) : undefined;
  const held = lines.length === 0 && !stall ? sourceHeld(events, f.invokedAt, end) : undefined;
  if (lines.length === 0 && !stall && !held) {
    return {
      code: `fault.${f.name}.no-evidence`,
      effect: 'inconclusive',
      message: `${metadata.join('; ')}, but no Kafka client of Flink logged an error or failed, its checkpoints went on, and no source was seen held on the partition: the job did not notice`,
      evidence: { metadata },
    };
  }
  const committed = of(events, 'checkpoint').find((c) => c.type === 'checkpoint' && c.t > Math.max(end, moved.t) && c.t < until);
  const first = lines[0]
    ? { node: lines[0].node, what: lines[0].what, at: lines[0].t, line: lines[0].line }
    : stall
      ? { node: 'job', what: `checkpoints stalled ${Math.round(stall.stalledMs / 1000)} s (${stall.checkpointsBefore} in as long before)`, at: f.invokedAt, line: '' }
      : { node: `job ${held!.jobId}`, what: `its source held on ${held!.partition} at offset ${held!.position} for ${Math.round(held!.heldMs / 1000)} s while ${held!.waiting} record(s) waited (end ${held!.end})`, at: f.invokedAt, line: '' };
  if (!committed) {
    return {
      code: `fault.${f.name}.no-recovery`,
      effect: 'inconclusive',
      message: `${metadata.join('; ')}; the job noticed (${first.what} on ${first.node}), but no checkpoint completed afterwards: the sink committed nothing after the fault`,
      evidence: { metadata, clientLines: lines.length, first },
    };
  }
  return {
    code: `fault.${f.name}.confirmed`,
    effect: 'info',
    message: `${metadata.join('; ')}; the job noticed (${first.what} on ${first.node}); checkpoint ${committed.id} completed after it`,
    evidence: { metadata, clientLines: lines.length, first, checkpointAfter: { id: committed.id, at: committed.t } },
  };
}

export const replicatedKafkaRules: Record<string, FaultRule> = Object.fromEntries(
  ['kill-partition-leader', 'pause-partition-leader', 'kill-transaction-coordinator', 'pause-transaction-coordinator', 'rolling-restart-kafka', 'isolate-broker'].map((n) => [n, replicatedKafkaEvidence]),
);
