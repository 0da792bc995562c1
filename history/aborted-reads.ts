// The output a read_committed reader must deliver, decided from Kafka's own
// log rather than trusted to the reader. kafkajs 2.2.4 (the tap's client)
// filters aborted transactions on the assumption that the fetch response's
// aborted-transactions list is sorted by first offset, one entry per message
// at most (src/consumer/filterAbortedMessages.js); the broker lists them in
// the order their ABORT markers were written. Two transactions aborted
// together (a Flink sink recovering, its writers' open transactions aborted
// by probing) can then leak the earlier one's records: measured on a
// fresh-machine run (exactly-once schedule, seed 916243185), one window read
// twice, its first copy in a transaction Kafka's log shows aborted. The Java
// consumer keeps the list in a priority queue by first offset; this does the
// equivalent from the log's batches (the fence reads them all).
import type { PartitionTransactionLog } from './transactions.js';
import type { OutputRecord } from './types.js';

export const READER_ABORTED_CHECK = 'reader-aborted-records';

/** Splits what the reader delivered into records Kafka's log shows committed (or non-transactional) and records it shows aborted. */
export function withoutAbortedRecords(
  output: readonly OutputRecord[],
  logs: readonly Pick<PartitionTransactionLog, 'partition' | 'abortedRanges'>[],
): { kept: OutputRecord[]; aborted: OutputRecord[] } {
  const ranges = new Map<number, [bigint, bigint][]>();
  for (const l of logs) {
    if (l.abortedRanges?.length) ranges.set(l.partition, l.abortedRanges.map(([a, b]) => [BigInt(a), BigInt(b)]));
  }
  if (ranges.size === 0) return { kept: [...output], aborted: [] };
  const kept: OutputRecord[] = [];
  const aborted: OutputRecord[] = [];
  for (const r of output) (inRanges(ranges.get(r.partition), BigInt(r.offset)) ? aborted : kept).push(r);
  return { kept, aborted };
}

/** Binary search over sorted, disjoint [first, last] ranges. */
function inRanges(rs: readonly [bigint, bigint][] | undefined, o: bigint): boolean {
  if (!rs) return false;
  let lo = 0;
  let hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = rs[mid]!;
    if (o < a) hi = mid - 1;
    else if (o > b) lo = mid + 1;
    else return true;
  }
  return false;
}
