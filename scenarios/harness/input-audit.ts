// The input audit before the verdict (assertions/input-audit.ts judges it):
// the input topic's end, partition by partition, against what the generator
// knows Kafka kept. Read once the input is complete and the jobs are fenced.
import pRetry from 'p-retry';
import { INPUT_AUDIT_CHECK, inputDifferences, type InputAuditData } from '../../assertions/input-audit.js';
import type { KafkaBroker } from '../../containers/kafka-broker.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { ClickGenerator } from '../../workload/click-generator.js';

export async function auditInput(history: HistoryRecorder, generator: ClickGenerator, kafka: KafkaBroker): Promise<void> {
  const acc = generator.accounting();
  const base: Omit<InputAuditData, 'partitions'> = { topic: acc.topic, recoveries: acc.recoveries };
  try {
    // Bounded: a broker that just came back may not lead its partitions yet.
    const ends = await pRetry(() => kafka.highWatermarks(acc.topic), { retries: 8, minTimeout: 500, maxTimeout: 4_000 });
    const partitions = acc.written.map((written, partition) => ({
      partition,
      start: acc.start[partition] ?? '0',
      written,
      end: String(ends.get(partition) ?? -1n),
    }));
    const data: InputAuditData = { ...base, partitions };
    // The check's ok by the rule that judges it (the rule reads the data, not ok).
    const ok = inputDifferences(data).length === 0;
    history.check(
      INPUT_AUDIT_CHECK,
      ok,
      ok
        ? `input topic '${acc.topic}' ends where the ledger says on every partition (${partitions.map((p) => `${p.partition}: ${p.end}`).join(', ')})`
        : `input topic '${acc.topic}' differs from the ledger: ${partitions.map((p) => `${p.partition}: start ${p.start} + written ${p.written}, end ${p.end}`).join('; ')}`,
      data as unknown as Record<string, unknown>,
    );
  } catch (e) {
    const error = String((e as Error).message ?? e).split('\n')[0]!;
    history.check(INPUT_AUDIT_CHECK, false, `input topic '${acc.topic}' could not be audited: ${error}`, { ...base, partitions: [], error });
  }
}
