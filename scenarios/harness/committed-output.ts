// The output a verdict judges under the exactly-once sink: what the reader
// delivered less what Kafka's log shows aborted (history/aborted-reads.ts says
// why the reader is not trusted with that). Read from the fence's batch read.
import { EOS_TRANSACTIONAL_OUTPUT_CHECK, lastCheck } from '../../assertions/fence-evidence.js';
import { READER_ABORTED_CHECK, withoutAbortedRecords } from '../../history/aborted-reads.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { PartitionTransactionLog } from '../../history/transactions.js';
import type { OutputRecord, SinkSemantics } from '../../history/types.js';

/**
 * Exactly-once: the reader's records less those Kafka's log shows aborted
 * (history/aborted-reads.ts says why the reader is not trusted with that),
 * recorded as a check with the records left out.
 */
export function committedOutput(history: HistoryRecorder, sink: SinkSemantics, records: readonly OutputRecord[]): OutputRecord[] {
  if (sink !== 'exactly-once') return [...records];
  const logs = lastCheck(history.events, EOS_TRANSACTIONAL_OUTPUT_CHECK)?.data?.partitions;
  if (!Array.isArray(logs)) return [...records];
  const { kept, aborted } = withoutAbortedRecords(records, logs as PartitionTransactionLog[]);
  if (aborted.length > 0) {
    const where = aborted.slice(0, 20).map((r) => `p${r.partition}@${r.offset}`);
    history.check(
      READER_ABORTED_CHECK,
      true,
      `the output reader delivered ${aborted.length} record(s) that Kafka's log shows in aborted transactions (${where.join(', ')}${aborted.length > 20 ? ', ...' : ''}): left out of the judged output`,
      { count: aborted.length, records: aborted.slice(0, 200).map((r) => ({ partition: r.partition, offset: r.offset, value: r.value ? Buffer.from(r.value).toString('utf8').slice(0, 300) : null })) },
    );
  }
  return kept;
}
