import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { step, type Step } from '../config/progress.js';
import { HarnessError } from '../config/harness-error.js';
import { dockerEngine } from './engine.js';
import { FlinkCli } from './flink-cli.js';
import { allTasksRunning, FlinkRest, taskCounts, type JobDetails } from './flink-rest.js';
import { LABEL_OWNER, ownerLabel } from './janitor.js';
import { KafkaBroker, OUTPUT_TOPIC_CONFIG } from './kafka-broker.js';
import { harnessLabels, LABEL_HARNESS, LABEL_RUN } from './labels.js';
import { LocalhostContainer } from './localhost-container.js';
import { LogTail } from './log-tail.js';
import { NodeHandle } from './node-handle.js';
import { assertPortFree, freePort } from './ports.js';
import { StopWaiting, waitFor, type WaitOptions } from './wait.js';

/** Where checkpoints and savepoints live inside every Flink container (the playground's paths). */
export const CHECKPOINTS_DIR = '/tmp/flink-checkpoints-directory';
export const SAVEPOINTS_DIR = '/tmp/flink-savepoints-directory';
export const JOB_JAR_IN_CONTAINER = '/opt/job/click-event-count.jar';

/** The playground's cluster configuration, plus what makes faults recover quickly. */
export function playgroundFlinkProperties(): Record<string, string> {
  return {
    'jobmanager.memory.process.size': '1600m',
    'taskmanager.memory.process.size': '1728m',
    'state.backend.type': 'hashmap',
    // Old key names: accepted by 1.20 and (deprecated) by 2.x.
    'state.checkpoints.dir': `file://${CHECKPOINTS_DIR}`,
    'state.savepoints.dir': `file://${SAVEPOINTS_DIR}`,
    'heartbeat.interval': '1000',
    'heartbeat.timeout': '5000',
    'rest.flamegraph.enabled': 'true',
    // Restart forever, one second apart: a lost TaskManager must not fail the job.
    'restart-strategy.type': 'fixed-delay',
    'restart-strategy.fixed-delay.attempts': '2147483647',
    'restart-strategy.fixed-delay.delay': '1 s',
    // A TaskManager started before (or after a restart of) the JobManager retries every second, not every 10.
    'cluster.registration.error-delay': '1000',
    'cluster.registration.refused-registration-delay': '1000',
    // REST metrics are cached for this long (default 10 s): the fence's late-drop reading must be fresh.
    'metrics.fetcher.update-interval': '1000',
  };
}

export interface ClusterSpec {
  runId: string;
  scenario: string;
  flinkVersion: string;
  flinkImage: string;
  kafkaImage: string;
  /** Host path of the job jar to put into the client container. */
  jobJar: string;
  /** Host folder for checkpoints and savepoints, shared by JobManager and TaskManagers. */
  storageDir: string;
  taskManagers?: number;
  slotsPerTaskManager?: number;
  flinkProperties?: Record<string, string>;
  /** Fixed host port for the Web UI / REST API; undefined = any free port. Always on 127.0.0.1. */
  webUiPort?: number;
}

/**
 * A fresh playground on its own Docker network: Kafka (KRaft), a JobManager,
 * TaskManagers and a CLI client. `startCluster` returns it running, topics created.
 */
export class Cluster {
  readonly taskManagers: NodeHandle[] = [];
  private tmSeq = 0;

  private constructor(
    readonly spec: Required<Omit<ClusterSpec, 'webUiPort' | 'flinkProperties'>> & Pick<ClusterSpec, 'webUiPort' | 'flinkProperties'>,
    readonly network: string,
    readonly kafka: KafkaBroker,
    public jobManager: NodeHandle,
    public client: NodeHandle,
    public rest: FlinkRest,
    public cli: FlinkCli,
  ) {}

  static async start(spec: ClusterSpec): Promise<Cluster> {
    const full = { ...spec, taskManagers: spec.taskManagers ?? 1, slotsPerTaskManager: spec.slotsPerTaskManager ?? 2 };
    const { docker } = await dockerEngine();
    const prefix = containerPrefix(spec.runId, spec.scenario);
    const network = `${prefix}-net`;
    await docker.createNetwork({ Name: network, Labels: labelsOf(spec) });
    const startedNodes: NodeHandle[] = [];
    try {
      await prepareStorage(spec.storageDir);
      // Kafka, the JobManager and the client don't depend on each other: start them together.
      const [kafka, jm, client] = await settleAll(
        [
          startKafka(full, network, prefix).then(async (k) => {
            startedNodes.push(k.node);
            await k.createTopics(['input', 'output'], 2, { output: OUTPUT_TOPIC_CONFIG });
            return k;
          }),
          startJobManager(full, network, prefix).then((j) => (startedNodes.push(j.jobManager), j)),
          startClient(full, network, prefix).then((c) => (startedNodes.push(c), c)),
        ] as const,
      );
      const cluster = new Cluster(full, network, kafka, jm.jobManager, client, jm.rest, new FlinkCli(client.started, JOB_JAR_IN_CONTAINER));
      await cluster.scaleTaskManagers(full.taskManagers).catch(async (e) => {
        startedNodes.push(...cluster.taskManagers);
        throw e;
      });
      return cluster;
    } catch (e) {
      for (const n of startedNodes) await n.remove();
      await docker.getNetwork(network).remove().catch(() => undefined);
      throw e;
    }
  }

  get webUiUrl(): string {
    return this.rest.baseUrl;
  }

  get checkpointsDir(): string {
    return path.join(this.spec.storageDir, 'checkpoints');
  }

  get savepointsDir(): string {
    return path.join(this.spec.storageDir, 'savepoints');
  }

  /** Starts one more TaskManager and waits until it registered at the ResourceManager. */
  async addTaskManager(): Promise<NodeHandle> {
    const n = ++this.tmSeq;
    const name = `${containerPrefix(this.spec.runId, this.spec.scenario)}-taskmanager-${n}`;
    const s = step(`Starting TaskManager ${n} (${this.spec.slotsPerTaskManager} slots)`);
    const started = await startWithProgress(
        flinkContainer(this.spec, this.network)
        .withName(name)
        .withNetworkAliases(`taskmanager-${n}`)
        .withEnvironment({
          JOB_MANAGER_RPC_ADDRESS: 'jobmanager',
          TASK_MANAGER_NUMBER_OF_TASK_SLOTS: String(this.spec.slotsPerTaskManager),
          FLINK_PROPERTIES: flinkPropertiesText(this.spec.flinkProperties),
        })
        .withCommand(['taskmanager'])
        .withWaitStrategy(Wait.forLogMessage(/Successful registration at resource manager/)),
      s,
      `TaskManager ${n}`,
    );
    const { docker } = await dockerEngine();
    const tm = new NodeHandle(name, 'taskmanager', started, docker);
    this.taskManagers.push(tm);
    s.succeed(`TaskManager ${n} registered`);
    return tm;
  }

  /** Scale to `n` TaskManagers: start new ones, or stop and remove the newest. */
  async scaleTaskManagers(n: number): Promise<void> {
    while (this.taskManagers.length < n) await this.addTaskManager();
    while (this.taskManagers.length > n) {
      const tm = this.taskManagers.pop()!;
      await tm.stop(10);
      await tm.remove();
    }
  }

  /** Waits until the ResourceManager counts `n` registered TaskManagers. */
  async waitForTaskManagers(n: number, options: Partial<WaitOptions> = {}): Promise<void> {
    await waitFor(
      `${n} registered TaskManager(s)`,
      async (seen) => {
        const o = await this.rest.overview();
        seen(`${o.taskmanagers} TaskManager(s), ${o['slots-total']} slots`);
        return o.taskmanagers === n ? true : undefined;
      },
      { timeoutMs: 60_000, diagnose: () => this.diagnose(), ...options },
    );
  }

  /** Waits until the job is RUNNING with every task RUNNING. */
  async waitForJobRunning(jobId: string, options: Partial<WaitOptions> = {}): Promise<JobDetails> {
    return waitFor(
      `job ${jobId} RUNNING with all tasks RUNNING`,
      async (seen) => {
        const job = await this.rest.job(jobId);
        seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}`);
        if (job.state === 'FAILED' || job.state === 'CANCELED' || job.state === 'FINISHED') {
          throw new StopWaiting(`job ${jobId} ended in ${job.state} instead of running:\n${await this.diagnose(jobId)}`);
        }
        return allTasksRunning(job) ? job : undefined;
      },
      { timeoutMs: 120_000, diagnose: () => this.diagnose(jobId), ...options },
    );
  }

  /** What a person would look at when a wait expires: jobs, tasks, TaskManagers, last log lines. */
  async diagnose(jobId?: string): Promise<string> {
    const lines: string[] = ['--- cluster diagnostics ---'];
    try {
      const o = await this.rest.overview();
      lines.push(`TaskManagers registered: ${o.taskmanagers}, slots ${o['slots-available']}/${o['slots-total']} free`);
      const jobs = await this.rest.jobs();
      for (const j of jobs) {
        if (jobId && j.id !== jobId && j.status !== 'RUNNING') continue;
        const d = await this.rest.job(j.id);
        lines.push(`job ${j.id} ${d.state}`);
        for (const v of d.vertices) lines.push(`  ${v.name} p=${v.parallelism} ${v.status} ${JSON.stringify(Object.fromEntries(Object.entries(v.tasks).filter(([, n]) => n > 0)))}`);
        const ex = await this.rest.exceptions(j.id).catch(() => undefined);
        const root = ex?.['root-exception'] ?? ex?.exceptionHistory?.entries?.[0]?.stacktrace;
        if (root) lines.push(`  last exception: ${root.split('\n').slice(0, 3).join(' | ')}`);
      }
    } catch (e) {
      lines.push(`REST API not answering: ${(e as Error).message}`);
    }
    for (const node of [this.jobManager, ...this.taskManagers, this.kafka.node]) {
      const running = await node.isRunning();
      lines.push(`--- ${node.name} (${running ? 'running' : 'not running'}), last lines ---`);
      lines.push((await node.logs(12).catch((e) => `(no logs: ${e})`)).trimEnd());
    }
    return lines.join('\n');
  }

  /** Every node's complete log into `dir`, one file per container. Returns the file paths. */
  async saveLogs(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const node of this.nodes()) {
      const role = /(taskmanager-\d+|jobmanager|kafka|client)$/.exec(node.name)?.[1] ?? node.name;
      const file = path.join(dir, `${node.name.includes('-v') ? node.name.replace(/.*-(v\d+)-/, '$1-') : role}.log`);
      await writeFile(file, await node.logs().catch((e) => `(no logs: ${e})`));
      files.push(file);
    }
    return files;
  }

  nodes(): NodeHandle[] {
    return [this.kafka.node, this.jobManager, ...this.taskManagers, this.client];
  }

  /**
   * Replaces JobManager, TaskManagers and client by another Flink release's,
   * on the same network, Kafka and checkpoint storage (the upgrade path).
   */
  async replaceFlink(flinkVersion: string, flinkImage: string, jobJar: string): Promise<void> {
    const n = this.taskManagers.length;
    for (const node of [...this.taskManagers, this.client, this.jobManager]) {
      await node.stop(10);
      await node.remove();
    }
    this.taskManagers.length = 0;
    Object.assign(this.spec, { flinkVersion, flinkImage, jobJar });
    const prefix = `${containerPrefix(this.spec.runId, this.spec.scenario)}-v${flinkVersion.replaceAll('.', '')}`;
    const { jobManager, rest } = await startJobManager(this.spec, this.network, prefix);
    this.jobManager = jobManager;
    this.rest = rest;
    this.client = await startClient(this.spec, this.network, prefix);
    this.cli = new FlinkCli(this.client.started, JOB_JAR_IN_CONTAINER);
    await this.scaleTaskManagers(n);
  }

  /** Removes every container and the network. Safe to call twice. */
  async stop(): Promise<void> {
    await this.kafka.closeAdmin();
    for (const node of this.nodes()) await node.remove();
    const { docker } = await dockerEngine();
    await docker.getNetwork(this.network).remove().catch(() => undefined);
  }
}

export const startCluster = (spec: ClusterSpec) => Cluster.start(spec);

/** Like Promise.all, but waits for every promise to settle first, so nothing still starts after a failure. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Starts a node (2 min start-up bound) and marks its progress step failed if
 * it does not come up. The failure names where it was probed and carries the
 * node's last log lines: testcontainers removes the container, and its logs.
 */
async function startWithProgress(container: GenericContainer, s: Step, node: string): Promise<StartedTestContainer> {
  const tail = new LogTail();
  try {
    return await container.withLogConsumer(tail.consume).withStartupTimeout(120_000).start();
  } catch (e) {
    s.fail();
    const host = process.env.TESTCONTAINERS_HOST_OVERRIDE ?? 'the host testcontainers chose';
    throw new HarnessError(
      `The ${node} did not come up: ${String((e as Error)?.message ?? e).split('\n')[0]} ` +
        `(probed on ${host}).\nIts last log lines:\n${indent(tail.text() || '(none)')}`,
      `If the log shows the ${node} running, its published port is not reachable on ${host} ` +
        '(set TESTCONTAINERS_HOST_OVERRIDE to where the engine publishes ports); otherwise the log says why it stopped.',
      { cause: e },
    );
  }
}

const indent = (text: string) => text.replace(/^/gm, '    ');

function labelsOf(spec: ClusterSpec): Record<string, string> {
  return { ...harnessLabels(spec.runId, spec.scenario), [LABEL_OWNER]: ownerLabel() };
}

function containerPrefix(runId: string, scenario: string): string {
  return `fh-${runId}-${scenario}`.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 60);
}

export function flinkPropertiesText(extra?: Record<string, string>): string {
  return Object.entries({ ...playgroundFlinkProperties(), ...extra })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

async function prepareStorage(dir: string): Promise<void> {
  for (const sub of ['checkpoints', 'savepoints']) {
    await mkdir(path.join(dir, sub), { recursive: true });
    // Flink runs as uid 9999 in its containers; the harness reads as itself.
    await chmod(path.join(dir, sub), 0o777);
  }
}

function flinkContainer(spec: ClusterSpec, network: string): LocalhostContainer {
  return new LocalhostContainer(spec.flinkImage)
    .withNetworkMode(network)
    .withLabels(labelsOf(spec))
    .withBindMounts([
      { source: path.join(spec.storageDir, 'checkpoints'), target: CHECKPOINTS_DIR },
      { source: path.join(spec.storageDir, 'savepoints'), target: SAVEPOINTS_DIR },
    ]) as LocalhostContainer;
}

async function startJobManager(spec: ClusterSpec, network: string, prefix: string): Promise<{ jobManager: NodeHandle; rest: FlinkRest }> {
  const s = step(`Starting JobManager (Flink ${spec.flinkVersion})`);
  if (spec.webUiPort) await assertPortFree(spec.webUiPort, 'HARNESS_WEB_UI_PORT', 'the Flink Web UI');
  const port = spec.webUiPort ? { container: 8081, host: spec.webUiPort } : 8081;
  const started = await startWithProgress(
      flinkContainer(spec, network)
      .withName(`${prefix}-jobmanager`)
      .withNetworkAliases('jobmanager')
      .withExposedPorts(port)
      .withEnvironment({ JOB_MANAGER_RPC_ADDRESS: 'jobmanager', FLINK_PROPERTIES: flinkPropertiesText(spec.flinkProperties) })
      .withCommand(['jobmanager'])
      // A JobManager that exits (bad configuration) fails the start at once, not after 2 min.
      .withWaitStrategy(Wait.forHttp('/overview', 8081, { abortOnContainerExit: true }).forStatusCode(200)),
    s,
    'JobManager',
  );
  const { docker } = await dockerEngine();
  const rest = new FlinkRest(`http://127.0.0.1:${started.getMappedPort(8081)}`);
  s.succeed(`JobManager up, Web UI at ${rest.baseUrl}`);
  return { jobManager: new NodeHandle(`${prefix}-jobmanager`, 'jobmanager', started, docker), rest };
}

async function startClient(spec: ClusterSpec, network: string, prefix: string): Promise<NodeHandle> {
  const started = await flinkContainer(spec, network)
    .withName(`${prefix}-client`)
    .withEnvironment({ JOB_MANAGER_RPC_ADDRESS: 'jobmanager', FLINK_PROPERTIES: flinkPropertiesText(spec.flinkProperties) })
    .withCopyFilesToContainer([{ source: spec.jobJar, target: JOB_JAR_IN_CONTAINER, mode: 0o644 }])
    .withCommand(['client'])
    .withWaitStrategy(Wait.forLogMessage(/client ready/))
    .withStartupTimeout(60_000)
    .start();
  const { docker } = await dockerEngine();
  return new NodeHandle(`${prefix}-client`, 'client', started, docker);
}

async function startKafka(spec: ClusterSpec, network: string, prefix: string): Promise<KafkaBroker> {
  const s = step('Starting Kafka broker (KRaft, one node)');
  const port = await freePort();
  const started = await startWithProgress(
      new LocalhostContainer(spec.kafkaImage)
      .withName(`${prefix}-kafka`)
      .withNetworkMode(network)
      .withNetworkAliases('kafka')
      .withLabels(labelsOf(spec))
      .withExposedPorts({ container: 19092, host: port })
      .withEnvironment({ KAFKA_EXTERNAL_PORT: String(port) })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/)),
    s,
    'Kafka broker',
  );
  const { docker } = await dockerEngine();
  s.succeed(`Kafka up at 127.0.0.1:${port}`);
  return new KafkaBroker(new NodeHandle(`${prefix}-kafka`, 'kafka', started, docker), `127.0.0.1:${port}`, 'kafka:9092');
}

export { LABEL_HARNESS, LABEL_RUN };
