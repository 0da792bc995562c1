import { withTimeout } from '../containers/wait.js';
import type { Testbed } from './context.js';

// Where the job's Kafka source stands on one input partition, from Flink's own
// metrics (the KafkaSource reader's per-partition currentOffset), beside the
// partition's end offset. Two samples around a fault on that partition's
// leader show whether the source read through it: a position that did not
// move while records waited is the fault's effect on the job, even when no
// Kafka client logged a line (a paused leader holds a fetch without an error).

/** Metric names of the samples ('metric' events, vertex = `<topic>-<partition>`); assertions/replicated-kafka-evidence.ts reads them. */
export const SOURCE_POSITION = 'source-position';
export const PARTITION_END = 'partition-end';

/** The KafkaSource reader's gauge for one partition, as the REST API lists it under the source's operator. */
export const currentOffsetSuffix = (topic: string, partition: number) => `.KafkaSourceReader.topic.${topic}.partition.${partition}.currentOffset`;

/**
 * One sample of each running job's source position on `topic`-`partition`
 * and of the partition's end, read from brokers other than `avoid`.
 * Bounded (5 s), never throws: a missing sample leaves the rule without this evidence.
 */
export async function sampleSourcePosition(tb: Testbed, topic: string, partition: number, avoid: readonly number[]): Promise<void> {
  const vertex = `${topic}-${partition}`;
  await withTimeout(
    (async () => {
      const rest = tb.cluster.rest;
      const running = (await rest.jobs()).filter((j) => j.status === 'RUNNING');
      for (const { id } of running) {
        for (const v of (await rest.job(id)).vertices) {
          const metric = (await rest.vertexMetricIds(id, v.id)).find((m) => m.endsWith(currentOffsetSuffix(topic, partition)));
          if (!metric) continue;
          const value = (await rest.vertexMetrics(id, v.id, [metric]))[0]?.max;
          if (typeof value === 'number' && value >= 0) tb.history.metric(id, vertex, SOURCE_POSITION, value);
        }
      }
      const end = (await tb.cluster.kafka.endOffsetsAvoiding(topic, avoid)).get(partition);
      if (end !== undefined) tb.history.metric('', vertex, PARTITION_END, Number(end));
    })(),
    5_000,
    `the source position on ${vertex}`,
  ).catch(() => undefined);
}
