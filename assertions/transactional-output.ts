// An exactly-once run must have written its output in Kafka transactions.
// Each committed (or aborted) transaction leaves a control marker in the log,
// so on a topic written transactionally the high watermark of a partition runs
// ahead of the records a reader can see there. A partition whose high
// watermark equals the records read from it holds no marker: its writer used
// no transaction, whatever the job claimed (the calibration mutant
// "alo-sink-claims-eo" was caught only by luck before this rule).
// Pure: reads the fence's drain check and the output records of the history.
import type { History, SinkSemantics } from '../history/types.js';
import { FENCE_DRAIN_CHECK, lastCheck, type PartitionEnd } from './fence-evidence.js';
import type { Reason } from './outcome.js';

export function transactionalOutputReasons(history: Pick<History, 'events' | 'output'>, sink: SinkSemantics): Reason[] {
  if (sink !== 'exactly-once') return [];
  const drain = lastCheck(history.events, FENCE_DRAIN_CHECK);
  const partitions = drain?.data?.partitions as PartitionEnd[] | undefined;
  // No drain recorded: fenceReasons already makes the run inconclusive.
  if (!drain || !Array.isArray(partitions)) return [];
  const read = new Map<number, number>();
  for (const r of history.output) read.set(r.partition, (read.get(r.partition) ?? 0) + 1);
  const written = partitions.filter((p) => (read.get(p.partition) ?? 0) > 0);
  if (written.length === 0) return [];
  const withoutMarkers = written.filter((p) => BigInt(p.hwm) <= BigInt(read.get(p.partition)!));
  if (withoutMarkers.length === 0) {
    return [{ code: 'eos.transactional-output', effect: 'info', message: 'every partition with output holds transaction markers beyond its records' }];
  }
  return [
    {
      code: 'eos.not-transactional',
      effect: 'fail',
      message: `the run claims exactly-once, but ${withoutMarkers.map((p) => `output-${p.partition} (${read.get(p.partition)} records, high watermark ${p.hwm})`).join(', ')} holds no transaction marker: written without transactions`,
      evidence: { partitions: withoutMarkers.map((p) => ({ ...p, records: read.get(p.partition) })) },
    },
  ];
}
