// `npm run playground`: the operations playground, up until Ctrl-C.
// Builds (or reuses) the images, starts Kafka, a JobManager, a TaskManager and
// the CLI client, submits "Click Event Count" through the real `flink` CLI,
// runs the paced click generator, prints where to look, and on Ctrl-C
// removes every container and network it made.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { info } from '../config/progress.js';
import { loadSettings } from '../config/settings.js';
import { startCluster, type Cluster } from '../containers/cluster.js';
import { prepareImages } from '../containers/images/index.js';
import { sweep } from '../containers/janitor.js';
import { startWatchdog } from '../containers/watchdog.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { HistoryRecorder } from '../history/recorder.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { ClickGenerator } from '../workload/click-generator.js';

const program = new Command('playground')
  .description('Start the Flink operations playground and keep it up until Ctrl-C.')
  .option('--web-ui-port <port>', 'host port of the Web UI on 127.0.0.1 (0 = any free port)', process.env.HARNESS_WEB_UI_PORT ?? '8081')
  .option('--task-managers <n>', 'TaskManagers to start', '1')
  .option('--no-generator', 'do not start the click generator')
  .parse();
const opts = program.opts<{ webUiPort: string; taskManagers: string; generator: boolean }>();

const settings = loadSettings();
const runId = newRunId();
// Removes the playground's containers within seconds if this process is killed without its shutdown (SIGKILL).
mkdirSync(path.join(settings.outDir, 'runs', runId), { recursive: true });
const watchdog = startWatchdog(runId, path.join(settings.outDir, 'runs', runId, 'watchdog.log'));
let cluster: Cluster | undefined;
let generator: ClickGenerator | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    info('Stopping the playground: removing its containers and network ...');
    await generator?.stop().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    const left = await sweep({ runId }).catch(() => undefined);
    watchdog.release();
    info(`Removed. ${left && left.containers.length ? `(janitor also removed ${left.containers.length} container(s))` : 'Nothing left behind.'}`);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  info(`Flink ${settings.flinkVersion}, Kafka ${settings.kafkaVersion}, base image '${settings.baseImage}'`);
  const images = await prepareImages(settings);
  cluster = await startCluster({
    runId,
    scenario: 'playground',
    flinkVersion: images.release.version,
    flinkImage: images.flinkImage,
    kafkaImage: images.kafkaImage,
    jobJar: images.jobJar,
    storageDir: path.join(settings.outDir, 'runs', runId, 'playground', 'storage'),
    taskManagers: Number(opts.taskManagers),
    webUiPort: Number(opts.webUiPort) || undefined,
  });
  const tb = { cluster, history: new HistoryRecorder('playground', images.release.version) };
  const { jobId, cli } = await submitJob(tb, PLAYGROUND_JOB, { via: 'cli' });
  info(cli?.stdout.trim().split('\n').at(-1) ?? '');
  await waitForJobRunning(tb, jobId);
  if (opts.generator) {
    generator = new ClickGenerator(cluster.kafka.kafka, { topic: 'input', partitions: 2, mode: 'paced' }).start();
  }
  const storage = path.dirname(cluster.checkpointsDir);
  process.stdout.write(
    [
      '',
      `  Flink Web UI    ${cluster.webUiUrl}`,
      `  Job             Click Event Count (${jobId}) RUNNING`,
      `  Kafka           ${cluster.kafka.bootstrapServers} (topics input, output)`,
      `  Savepoints      ${path.join(storage, 'savepoints')}`,
      `  Generator       ${opts.generator ? 'paced, ~400 clicks/s, 1000 per page and 15 s window' : 'off'}`,
      `  CLI             docker exec ${cluster.client.name} flink list`,
      '',
      '  Press Ctrl-C to stop and remove everything.',
      '',
    ].join('\n'),
  );
  await new Promise(() => undefined);
} catch (e) {
  process.stderr.write(`\n${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  await shutdown(1);
}
