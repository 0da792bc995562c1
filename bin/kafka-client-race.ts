// bench-throughput's client comparison: the same click records (the
// playground's JSON, keyed by page, 2 partitions) sent with the harness's
// producer settings (idempotent, acks=all, 2,000 per request, one request in
// flight per producer) by kafkajs and by @platformatic/kafka, without the
// generator's ledger around them: which client is the producer's limit.
// Every variant's topic is checked to hold all it sent.
import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import type { Kafka } from 'kafkajs';
import { clickAt, encodeClick, partitionOf } from '../workload/click-event.js';

export interface ClientFigure {
  client: string;
  events: number;
  ms: number;
  eventsPerSecond: number;
}

type Record_ = { key: string; value: string; partition: number };

export async function raceClients(
  kafka: Kafka,
  bootstrap: string,
  createTopic: (name: string) => Promise<void>,
  endOf: (topic: string) => Promise<number>,
  events: number,
  batch = 2_000,
): Promise<ClientFigure[]> {
  const records: Record_[] = Array.from({ length: events }, (_, i) => {
    const c = clickAt(i, 0);
    return { key: c.page, value: encodeClick(c), partition: partitionOf(i, 2) };
  });
  const requests: Record_[][] = [];
  for (let i = 0; i < records.length; i += batch) requests.push(records.slice(i, i + batch));
  const perPartition = [0, 1].map((p) => requests.map((r) => r.filter((m) => m.partition === p)).filter((r) => r.length > 0));

  const variants: [string, (topic: string) => Promise<void>][] = [
    ['kafkajs', async (topic) => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      try {
        for (const r of requests) await p.send({ topic, acks: -1, messages: r });
      } finally {
        await p.disconnect();
      }
    }],
    ['@platformatic/kafka', (topic) => platformatic(bootstrap, [requests], topic)],
    ['@platformatic/kafka, a producer per partition', (topic) => platformatic(bootstrap, perPartition, topic)],
  ];
  const figures: ClientFigure[] = [];
  for (const [client, send] of variants) {
    const topic = `bench-client-${figures.length}`;
    await createTopic(topic);
    const t0 = performance.now();
    await send(topic);
    const ms = performance.now() - t0;
    const written = await endOf(topic);
    if (written !== events) throw new Error(`${client}: ${topic} holds ${written} records, ${events} were sent`);
    figures.push({ client, events, ms: Math.round(ms), eventsPerSecond: Math.round((events / ms) * 1000) });
  }
  return figures;
}

/** One producer per list of requests, each sending its requests in turn; the lists in parallel. */
async function platformatic(bootstrap: string, lists: Record_[][][], topic: string): Promise<void> {
  const producers = lists.map(() => new PlatformaticProducer({ clientId: 'flink-harness-bench', bootstrapBrokers: bootstrap.split(','), serializers: stringSerializers, idempotent: true, acks: -1 }));
  try {
    await Promise.all(lists.map(async (list, i) => {
      for (const r of list) await producers[i]!.send({ messages: r.map((m) => ({ topic, key: m.key, value: m.value, partition: m.partition })) });
    }));
  } finally {
    await Promise.all(producers.map((p) => p.close()));
  }
}
