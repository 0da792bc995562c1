// `npm run bench` / `npm run bench:startup`: start-up figures measured on this
// machine, written to out/bench/startup.json and printed as a table. Targets
// (warm start to RUNNING <= 25 s, cluster peak memory <= 4 GiB) are compared
// here, never asserted in tests.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { info } from '../config/progress.js';
import { cacheDir, loadSettings } from '../config/settings.js';
import { startCluster, type Cluster } from '../containers/cluster.js';
import { dockerEngine } from '../containers/engine.js';
import { prepareImages } from '../containers/images/index.js';
import { ensureToxiproxyImage } from '../containers/images/toxiproxy-image.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import type { Topology } from '../containers/topology.js';
import { decodeWindowCount } from '../history/decode-output.js';
import { HistoryRecorder } from '../history/recorder.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { ClickGenerator } from '../workload/click-generator.js';

const opts = new Command('bench-startup')
  .option('--runs <n>', 'warm starts to measure (median reported)', '3')
  .option('--cold', 'remove the harness images first and time their build (downloads stay cached)')
  .option('--topology <shape>', "'playground' (1 JobManager, 1 TaskManager, 1 broker) or 'largest' (the biggest shape a scenario asks for: 2 JobManagers with ZooKeeper HA, 2 TaskManagers, 3 brokers, partitionable networks, toxiproxy in front of Kafka and between the JobManagers and ZooKeeper)", 'playground')
  .parse()
  .opts<{ runs: string; cold?: boolean; topology: string }>();

/** The shapes measured; 'largest' is the union of what the HA, replicated-Kafka and network scenarios ask for. */
const SHAPES: Record<string, Partial<Topology>> = {
  playground: {},
  largest: { jobManagers: 2, taskManagers: 2, brokers: 3, partitionable: true, proxies: [{ from: 'taskmanager', to: 'kafka' }, { from: 'jobmanager', to: 'zookeeper' }] },
};
const shape = SHAPES[opts.topology];
if (!shape) {
  process.stderr.write(`--topology must be one of ${Object.keys(SHAPES).join(', ')}, got '${opts.topology}'\n`);
  process.exit(3);
}
/** Targets: the playground's 4 GiB (start-up), issue #11's 8 GiB for the largest topology. */
const memoryTarget = (opts.topology === 'largest' ? 8 : 4) * 2 ** 30;

/** Sums the memory use of the run's containers every second (docker stats), keeps the peak. */
class MemorySampler {
  peak = 0;
  private timer?: NodeJS.Timeout;
  start(runId: string) {
    this.timer = setInterval(async () => {
      const { docker } = await dockerEngine();
      const list = await docker.listContainers({ filters: { label: [`dev.flink-harness.run=${runId}`] } });
      let sum = 0;
      for (const c of list) {
        const st = (await docker.getContainer(c.Id).stats({ stream: false }).catch(() => undefined)) as
          | { memory_stats?: { usage?: number; stats?: { cache?: number; total_inactive_file?: number } } }
          | undefined;
        const m = st?.memory_stats;
        // Like `docker stats`: usage minus page cache.
        sum += (m?.usage ?? 0) - (m?.stats?.total_inactive_file ?? m?.stats?.cache ?? 0);
      }
      this.peak = Math.max(this.peak, sum);
    }, 1_000);
  }
  stop() {
    clearInterval(this.timer);
  }
}

const settings = loadSettings();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const { docker } = await dockerEngine();
  let coldBuildMs: number | undefined;
  if (opts.cold) {
    for (const img of await docker.listImages({ filters: { label: ['dev.flink-harness=true'] } })) {
      await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
    }
    const t = Date.now();
    await prepareImages(settings);
    coldBuildMs = Date.now() - t;
  }
  const prepared = await prepareImages(settings);
  // The smoke tier builds no toxiproxy image; the largest shape needs one.
  const images = shape.proxies?.length && !prepared.toxiproxyImage
    ? { ...prepared, toxiproxyImage: await ensureToxiproxyImage(cacheDir(settings), prepared.baseImage) }
    : prepared;
  const runs: { clusterUpMs: number; jobRunningMs: number; firstCorrectWindowMs: number; peakMemoryBytes: number }[] = [];
  for (let i = 0; i < Number(opts.runs); i++) {
    const runId = newRunId();
    const memory = new MemorySampler();
    const t0 = Date.now();
    let cluster: Cluster | undefined;
    try {
      memory.start(runId);
      cluster = await startCluster({
        runId, scenario: 'bench', flinkVersion: images.release.version, flinkImage: images.flinkImage,
        kafkaImage: images.kafkaImage, jobJar: images.jobJar, storageDir: path.join(settings.outDir, 'bench', runId),
        topology: shape,
        ...(images.zookeeperImage ? { zookeeperImage: images.zookeeperImage } : {}),
        ...(images.toxiproxyImage ? { toxiproxyImage: images.toxiproxyImage } : {}),
      });
      const clusterUpMs = Date.now() - t0;
      const tb = { cluster, history: new HistoryRecorder('bench', images.release.version) };
      const { jobId } = await submitJob(tb, PLAYGROUND_JOB);
      await waitForJobRunning(tb, jobId);
      const jobRunningMs = Date.now() - t0;
      const tap = await cluster.kafka.tap('output');
      const gen = new ClickGenerator(cluster.kafka.kafka, { topic: 'input', partitions: 2, mode: 'fast', windows: 2 });
      const g0 = Date.now();
      await gen.done();
      while (!tap.records.some((r) => { const d = decodeWindowCount(r, 15_000); return d.ok && d.value.count === 1000; })) {
        if (Date.now() - g0 > 120_000) throw new Error('no correct window within 120 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const firstCorrectWindowMs = Date.now() - g0;
      await tap.stop();
      // Let memory settle under load for a few seconds after the first window.
      await new Promise((r) => setTimeout(r, 5_000));
      runs.push({ clusterUpMs, jobRunningMs, firstCorrectWindowMs, peakMemoryBytes: memory.peak });
      info(`run ${i + 1}: cluster up ${s(clusterUpMs)}, job RUNNING ${s(jobRunningMs)}, first correct window ${s(firstCorrectWindowMs)} after input, peak memory ${gib(memory.peak)}`);
    } finally {
      memory.stop();
      await cluster?.stop();
    }
  }
  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryBytes: os.totalmem(), node: process.version },
    flinkVersion: images.release.version,
    kafkaVersion: settings.kafkaVersion,
    topology: { name: opts.topology, ...shape },
    coldBuildMs,
    warmStartToRunningMedianMs: median(runs.map((r) => r.jobRunningMs)),
    clusterUpMedianMs: median(runs.map((r) => r.clusterUpMs)),
    firstCorrectWindowMedianMs: median(runs.map((r) => r.firstCorrectWindowMs)),
    clusterPeakMemoryBytes: Math.max(...runs.map((r) => r.peakMemoryBytes)),
    targets: { warmStartToRunningMs: 25_000, clusterPeakMemoryBytes: memoryTarget },
    runs,
  };
  const out = path.join(settings.outDir, 'bench', opts.topology === 'playground' ? 'startup.json' : `startup-${opts.topology}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(result, null, 2));
  const verdict = (v: number, t: number) => (v <= t ? 'within target' : 'OVER target');
  process.stdout.write(
    [
      '',
      `Flink ${result.flinkVersion}, Kafka ${result.kafkaVersion}, ${result.machine.cpus} cores, topology ${opts.topology}`,
      coldBuildMs !== undefined ? `cold image build (downloads cached)   ${s(coldBuildMs)}` : 'cold image build                      (run with --cold)',
      `warm start to job RUNNING, median of ${runs.length}  ${s(result.warmStartToRunningMedianMs)}  (${opts.topology === 'playground' ? `${verdict(result.warmStartToRunningMedianMs, 25_000)}: <= 25 s` : "the 25 s target is the playground's"})`,
      `  of which cluster up                 ${s(result.clusterUpMedianMs)}`,
      `first correct window after input     ${s(result.firstCorrectWindowMedianMs)}`,
      `cluster peak memory                  ${gib(result.clusterPeakMemoryBytes)}  (${verdict(result.clusterPeakMemoryBytes, memoryTarget)}: <= ${memoryTarget / 2 ** 30} GiB)`,
      `written to ${out}`,
      '',
    ].join('\n'),
  );
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
}

function s(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`;
}
function gib(b: number) {
  return `${(b / 2 ** 30).toFixed(2)} GiB`;
}

