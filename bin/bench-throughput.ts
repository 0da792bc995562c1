// `npm run bench:throughput`: how fast the harness moves events through a
// real cluster, measured on this machine and written to
// out/bench/throughput.json. Targets (issue 10: >= 100,000 events/s sustained,
// 1,000,000 events over 100,000 pages verified within 60 s of the cluster
// starting, harness peak RSS <= 1 GiB) are compared here, never asserted in tests.
//
// Two phases on one fresh cluster:
// 1. producer only: the generator writes to a topic no job reads, in each
//    client setting given (--variants), so the client's own limit shows apart
//    from Flink's;
// 2. end to end: generator -> Kafka -> Click Event Count -> Kafka -> output
//    reader -> oracle, in the best setting: the whole run judged by the same
//    pure oracle as every scenario.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { judge } from '../assertions/oracle.js';
import { isHarnessError } from '../config/harness-error.js';
import { info } from '../config/progress.js';
import { loadSettings } from '../config/settings.js';
import { startCluster, type Cluster } from '../containers/cluster.js';
import { prepareImages } from '../containers/images/index.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { HistoryRecorder } from '../history/recorder.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { OutputCoverage } from '../history/output-coverage.js';
import { ClickGenerator, type GeneratorOptions } from '../workload/click-generator.js';
import { raceClients, type ClientFigure } from './kafka-client-race.js';
import type { WorkloadShape } from '../workload/click-event.js';

const opts = new Command('bench-throughput')
  .option('--keys <n>', 'pages (the job\'s keys)', '100000')
  .option('--events-per-key <n>', 'clicks per page per 15 s window', '10')
  .option('--windows <n>', 'complete windows end to end (keys x events-per-key x windows events)', '1')
  .option('--producer-events <n>', 'events per producer-only variant (0: skip phase 1)', '300000')
  // Measured 2026-12-01 (kafkajs 2.2.4, idempotent, acks=all): 2,000 per send 19,900/s, 20,000 per send 6,400/s.
  .option('--variants <list>', 'producer settings to compare, batch:concurrency[:gzip], comma-separated', '1000:1,2000:1,2000:4,2000:1:gzip')
  .option('--client-events <n>', 'events per client in the client comparison, kafkajs vs @platformatic/kafka (0: skip)', '500000')
  .option('--batch <n>', 'end to end: events per send', '2000')
  .option('--concurrency <n>', 'end to end: sends in flight (above 1: a producer per partition)', '4')
  .option('--parallelism <n>', 'the job\'s parallelism', '2')
  .parse()
  .opts<Record<'keys' | 'eventsPerKey' | 'windows' | 'producerEvents' | 'variants' | 'clientEvents' | 'batch' | 'concurrency' | 'parallelism', string>>();

const settings = loadSettings();
const shape: WorkloadShape = { keys: Number(opts.keys), eventsPerKeyPerWindow: Number(opts.eventsPerKey) };
const windows = Number(opts.windows);

interface ProducerFigure {
  variant: string;
  events: number;
  ms: number;
  eventsPerSecond: number;
}

try {
  const images = await prepareImages(settings);
  const runId = newRunId();
  const t0 = Date.now();
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({
      runId, scenario: 'bench-throughput', flinkVersion: images.release.version, flinkImage: images.flinkImage,
      kafkaImage: images.kafkaImage, jobJar: images.jobJar, storageDir: path.join(settings.outDir, 'bench', runId),
    });
    const clusterUpMs = Date.now() - t0;
    info(`cluster up in ${s(clusterUpMs)}`);

    // ---- 1. producer only ----
    const producer: ProducerFigure[] = [];
    const producerEvents = Number(opts.producerEvents);
    if (producerEvents > 0) {
      for (const variant of opts.variants.split(',').map((v) => v.trim()).filter(Boolean)) {
        const [batch, concurrency, codec] = variant.split(':');
        const topic = `bench-producer-${producer.length}`;
        await cluster.kafka.createTopics([topic], 2);
        // One window of the shape's pages with about producerEvents clicks.
        const producerShape = { keys: shape.keys, eventsPerKeyPerWindow: Math.max(1, Math.round(producerEvents / shape.keys)) };
        const gen = new ClickGenerator(cluster.kafka.kafka, {
          topic, partitions: 2, mode: 'fast', shape: producerShape, windows: 1,
          batchSize: Number(batch), concurrency: Number(concurrency), compression: codec === 'gzip' ? 'gzip' : 'none',
        });
        const g0 = Date.now();
        await gen.done();
        const ms = Date.now() - g0;
        const events = gen.ledger.progress().total;
        producer.push({ variant, events, ms, eventsPerSecond: Math.round((events / ms) * 1000) });
        info(`producer only, batch ${batch}, ${concurrency} in flight${codec ? `, ${codec}` : ''}: ${events} events in ${s(ms)} = ${producer.at(-1)!.eventsPerSecond} events/s`);
      }
    }

    // ---- 1b. the clients alone: the same records, no ledger ----
    const clients: ClientFigure[] = [];
    if (Number(opts.clientEvents) > 0) {
      const k = cluster.kafka;
      const total = async (topic: string) => [...(await k.endOffsets(topic)).values()].reduce((a, b) => a + Number(b), 0);
      clients.push(...(await raceClients(k.kafka, k.bootstrapServers, (t) => k.createTopics([t], 2), total, Number(opts.clientEvents))));
      for (const c of clients) info(`client only, ${c.client}: ${c.events} events in ${s(c.ms)} = ${c.eventsPerSecond} events/s`);
    }

    // ---- 2. end to end ----
    const submittedAt = Date.now();
    const tb = { cluster, history: new HistoryRecorder('bench-throughput', images.release.version) };
    const { jobId } = await submitJob(tb, PLAYGROUND_JOB, { parallelism: Number(opts.parallelism) });
    await waitForJobRunning(tb, jobId);
    const tap = await cluster.kafka.tap('output');
    const generatorOptions: GeneratorOptions = {
      topic: 'input', partitions: 2, mode: 'fast', shape, windows,
      batchSize: Number(opts.batch), concurrency: Number(opts.concurrency),
    };
    const gen = new ClickGenerator(cluster.kafka.kafka, generatorOptions);
    const e0 = Date.now();
    await gen.done();
    const writtenMs = Date.now() - e0;
    const ledger = gen.ledger.snapshot();
    const progress = new OutputCoverage(ledger);
    // Bounded: 10 minutes, then the figures say how far it got.
    const deadline = Date.now() + 600_000;
    while (!progress.complete() && Date.now() < deadline) {
      progress.read(tap.records);
      await new Promise((r) => setTimeout(r, 100));
    }
    const outputMs = Date.now() - e0;
    await tap.drain(await cluster.kafka.endOffsets('output'), { timeoutMs: 30_000 });
    const verdict = judge(ledger, tap.records, { sink: 'at-least-once', time: 'event-time' }, { disturbances: [] });
    const verifiedMs = Date.now() - e0;
    const verifiedSinceStartMs = Date.now() - t0;
    await tap.stop();
    const events = ledger.total;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryBytes: os.totalmem(), node: process.version },
      flinkVersion: images.release.version,
      kafkaVersion: settings.kafkaVersion,
      shape,
      windows,
      parallelism: Number(opts.parallelism),
      producerOnly: producer,
      clientOnly: clients,
      endToEnd: {
        events,
        outputRecords: tap.records.length,
        settledKeys: progress.expected,
        keysSeen: progress.seen,
        verdictOk: verdict.ok,
        failures: verdict.summary.bySeverity.failure,
        generatorMs: writtenMs,
        generatorEventsPerSecond: Math.round((events / writtenMs) * 1000),
        lastOutputMs: outputMs,
        verifiedMs,
        /** Sustained: every event written, counted by the job, read back and judged, per second of the whole stretch. */
        sustainedEventsPerSecond: Math.round((events / verifiedMs) * 1000),
        clusterUpMs,
        verifiedSinceClusterUpMs: verifiedSinceStartMs - clusterUpMs,
        /** From the job's submission: what the cluster-start figure is without phase 1 (run with --producer-events 0 for the target). */
        verifiedSinceSubmitMs: Date.now() - submittedAt,
        verifiedSinceClusterStartMs: verifiedSinceStartMs,
      },
      harnessPeakRssBytes: process.resourceUsage().maxRSS * 1024,
      targets: { sustainedEventsPerSecond: 100_000, verifiedSinceClusterStartMs: 60_000, harnessPeakRssBytes: 2 ** 30 },
    };
    const out = path.join(settings.outDir, 'bench', 'throughput.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(result, null, 2));
    const e = result.endToEnd;
    const within = (v: number, t: number, more = false) => ((more ? v >= t : v <= t) ? 'within target' : 'OFF target');
    process.stdout.write(
      [
        '',
        `Flink ${result.flinkVersion}, Kafka ${result.kafkaVersion}, ${result.machine.cpus} cores; ${shape.keys} pages x ${shape.eventsPerKeyPerWindow} clicks x ${windows} window(s), job parallelism ${result.parallelism}`,
        ...producer.map((p) => `producer only ${p.variant.padEnd(16)} ${String(p.eventsPerSecond).padStart(8)} events/s`),
        ...clients.map((c) => `client only ${c.client.padEnd(46)} ${String(c.eventsPerSecond).padStart(8)} events/s`),
        `end to end: ${e.events} events written in ${s(e.generatorMs)} (${e.generatorEventsPerSecond}/s), last window read at ${s(e.lastOutputMs)}, verified at ${s(e.verifiedMs)}: ${e.verdictOk ? 'oracle ok' : `oracle FAILED (${e.failures} failures, ${e.keysSeen}/${e.settledKeys} keys)`}`,
        `sustained throughput        ${String(e.sustainedEventsPerSecond).padStart(8)} events/s  (${within(e.sustainedEventsPerSecond, 100_000, true)}: >= 100,000)`,
        `verified after cluster start  ${s(e.verifiedSinceClusterStartMs)} (cluster up ${s(e.clusterUpMs)}, job submitted ${s(e.verifiedSinceSubmitMs)} before)  (${within(e.verifiedSinceClusterStartMs, 60_000)}: <= 60 s${producer.length ? '; includes phase 1: --producer-events 0 for the target' : ''})`,
        `harness peak RSS            ${(result.harnessPeakRssBytes / 2 ** 20).toFixed(0)} MiB  (${within(result.harnessPeakRssBytes, 2 ** 30)}: <= 1 GiB)`,
        `written to ${out}`,
        '',
      ].join('\n'),
    );
    if (!e.verdictOk) process.exitCode = 1;
  } finally {
    await cluster?.stop();
  }
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
}

function s(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`;
}
