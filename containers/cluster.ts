import path from 'node:path';
import { HarnessError } from '../config/harness-error.js';
import { dockerEngine } from './engine.js';
import { diagnose, saveLogs } from './cluster-diagnostics.js';
import { FlinkCli } from './flink-cli.js';
import { jobManagerAlias, prepareStorage, startClient, startJobManager, startTaskManager, type FlinkNodeSpec } from './flink-nodes.js';
import { JOB_JAR_IN_CONTAINER, playgroundFlinkProperties } from './flink-properties.js';
import { allTasksRunning, FlinkRest, taskCounts, type JobDetails } from './flink-rest.js';
import { KafkaBroker, OUTPUT_TOPIC_CONFIG } from './kafka-broker.js';
import { startKafka, startKafkaProxy } from './kafka-nodes.js';
import { connectToNetwork, createClusterNetworks, type ClusterNetworks } from './networks.js';
import type { Toxiproxy } from './toxiproxy.js';
import { LABEL_HARNESS, LABEL_RUN } from './labels.js';
import { NodeHandle } from './node-handle.js';
import { containerPrefix, nodeLabels, type NodePlacement } from './node-start.js';
import { checkTopology, machineMemory, proxiesKafka, proxiesZooKeeper, topologyOf, unbuiltProxies, type Topology } from './topology.js';
import { StopWaiting, waitFor, type WaitOptions } from './wait.js';
import { startJobManagers, type JobManagersUp } from './jobmanager-nodes.js';
import type { ZooKeeperNode } from './zookeeper-nodes.js';

// Every name that lived here before the split stays importable from here.
export { CHECKPOINTS_DIR, SAVEPOINTS_DIR, JOB_JAR_IN_CONTAINER, playgroundFlinkProperties, flinkPropertiesText } from './flink-properties.js';
export { LABEL_HARNESS, LABEL_RUN };

export interface ClusterSpec extends FlinkNodeSpec {
  runId: string;
  scenario: string;
  kafkaImage: string;
  /** The ZooKeeper image (containers/images/zookeeper-image.ts): needed for jobManagers: 2. */
  zookeeperImage?: string;
  /** The toxiproxy image (containers/images/toxiproxy-image.ts); needed when the topology has proxies. */
  toxiproxyImage?: string;
  /** The shape to build; its taskManagers / slotsPerTaskManager win over the two fields below. */
  topology?: Partial<Topology>;
  taskManagers?: number;
  slotsPerTaskManager?: number;
}

/** The spec with its topology resolved (taskManagers / slotsPerTaskManager mirror it). */
export type ResolvedClusterSpec = ClusterSpec & { topology: Topology; taskManagers: number; slotsPerTaskManager: number };

export function resolveClusterSpec(spec: ClusterSpec): ResolvedClusterSpec {
  const topology = topologyOf({
    ...(spec.taskManagers !== undefined ? { taskManagers: spec.taskManagers } : {}),
    ...(spec.slotsPerTaskManager !== undefined ? { slotsPerTaskManager: spec.slotsPerTaskManager } : {}),
    ...spec.topology,
  });
  return {
    ...spec, topology, taskManagers: topology.taskManagers, slotsPerTaskManager: topology.slotsPerTaskManager,
    highAvailability: topology.jobManagers === 2,
    zookeeperProxied: topology.jobManagers === 2 && proxiesZooKeeper(topology),
  };
}

/**
 * A fresh playground on its own Docker network, built from a topology: Kafka
 * (KRaft), a JobManager (or two with ZooKeeper for HA), TaskManagers and a CLI
 * client. `startCluster` returns it running, topics created.
 *
 * Under HA, `jobManager` and `rest` are the JobManager the harness talks to:
 * the leader at start; faults/jobmanager.ts points them elsewhere
 * (`followJobManager`) when it takes that one away. Either JobManager's REST
 * serves the job while a leader exists (a standby forwards to the leader).
 */
export class Cluster {
  readonly taskManagers: NodeHandle[] = [];
  private tmSeq = 0;
  /** Every JobManager (one, or two under HA) and its REST client, in alias order. */
  jobManagers: NodeHandle[] = [];
  jobManagerRests: FlinkRest[] = [];
  /** ZooKeeper, under HA. */
  zookeeper?: ZooKeeperNode;
  /** The proxy in front of Kafka, when the topology has one (taskmanager -> kafka). */
  kafkaProxy?: Toxiproxy;
  /** The proxy between each HA JobManager and ZooKeeper, when the topology has one (jobmanager -> zookeeper). */
  zookeeperProxy?: Toxiproxy;
  /** The networks: one, or (partitionable) the cluster's and Kafka's. */
  networks!: ClusterNetworks;

  private constructor(
    readonly spec: ResolvedClusterSpec,
    readonly network: string,
    readonly kafka: KafkaBroker,
    public jobManager: NodeHandle,
    public client: NodeHandle,
    public rest: FlinkRest,
    public cli: FlinkCli,
  ) {}

  static async start(spec: ClusterSpec): Promise<Cluster> {
    const full = resolveClusterSpec(spec);
    // Refused before any container starts: a shape this machine cannot hold, or one not built yet.
    checkTopology(full.topology, { ...playgroundFlinkProperties(), ...spec.flinkProperties }, machineMemory());
    refuseUnbuilt(full.topology);
    const { docker } = await dockerEngine();
    const at = placement(full);
    const networks = await createClusterNetworks(at.network, full.topology.partitionable === true, nodeLabels(spec.runId, spec.scenario));
    const kafkaAt = { ...at, network: networks.kafka };
    const proxied = proxiesKafka(full.topology);
    if ((proxied || full.zookeeperProxied) && !full.toxiproxyImage) {
      throw new HarnessError(`The topology has a proxy ${proxied ? 'in front of Kafka' : 'between the JobManagers and ZooKeeper'}, but no toxiproxy image was given.`, 'Build it with ensureToxiproxyImage (prepareImages does, in the nightly tier) and pass toxiproxyImage.');
    }
    const startedNodes: NodeHandle[] = [];
    const ha = full.topology.jobManagers === 2;
    if (ha && !full.zookeeperImage) {
      throw new HarnessError('jobManagers: 2 (HA) needs a ZooKeeper image and the cluster spec has none.', 'Pass zookeeperImage (ensureZooKeeperImage; prepareImages builds it).');
    }
    let kafkaProxy: Toxiproxy | undefined;
    try {
      await prepareStorage(spec.storageDir, ha);
      // Kafka, the JobManager(s) and the client don't depend on each other: start them together.
      const jobManagersUp = startJobManagers(full, at, (n) => startedNodes.push(n));
      const [kafka, jm, client] = await settleAll(
        [
          startKafka(full.kafkaImage, kafkaAt, { brokers: full.topology.brokers, proxied }).then(async (k) => {
            startedNodes.push(...k.brokers.map((b) => b.node));
            if (proxied) {
              kafkaProxy = await startKafkaProxy(full.toxiproxyImage!, kafkaAt, k);
              startedNodes.push(kafkaProxy.node);
            }
            await k.createTopics(['input', 'output'], 2, { output: OUTPUT_TOPIC_CONFIG });
            return k;
          }),
          jobManagersUp.then(async (up) => {
            // Every JobManager joins Kafka's network: the standby runs the source's enumerator once it leads.
            for (const j of up.jobManagers) await connectToNetwork(networks, j.jobManager);
            return up.jobManagers[0]!;
          }),
          startClient(full, at).then((c) => (startedNodes.push(c), c)),
        ] as const,
      );
      const cluster = new Cluster(full, at.network, kafka, jm.jobManager, client, jm.rest, new FlinkCli(client.started, JOB_JAR_IN_CONTAINER));
      cluster.networks = networks;
      cluster.kafkaProxy = kafkaProxy;
      await cluster.scaleTaskManagers(full.taskManagers).catch(async (e) => {
        startedNodes.push(...cluster.taskManagers);
        throw e;
      });
      cluster.adoptJobManagers(await jobManagersUp);
      if (ha) await cluster.followLeader();
      return cluster;
    } catch (e) {
      for (const n of startedNodes) await n.remove();
      for (const name of networks.all) await docker.getNetwork(name).remove().catch(() => undefined);
      throw e;
    }
  }

  get topology(): Topology {
    return this.spec.topology;
  }

  /**
   * The index (0-based, in `jobManagers`) of the JobManager ZooKeeper names
   * REST leader now; undefined without HA, while there is no leader, or when
   * ZooKeeper does not answer.
   */
  async leaderIndex(): Promise<number | undefined> {
    const leader = await this.zookeeper?.restLeader();
    const i = leader ? this.jobManagers.findIndex((_, n) => jobManagerAlias(n + 1) === leader.alias) : -1;
    return i >= 0 ? i : undefined;
  }

  /** The harness talks to JobManager `index` from now on (its REST, its logs in diagnostics). */
  followJobManager(index: number): void {
    const jm = this.jobManagers[index];
    if (!jm) throw new Error(`no JobManager #${index} (have ${this.jobManagers.length})`);
    this.jobManager = jm;
    this.rest = this.jobManagerRests[index]!;
  }

  /** Waits (bounded) until ZooKeeper names a leader, and follows it. Returns its index. */
  async followLeader(options: Partial<WaitOptions> = {}): Promise<number> {
    const index = await waitFor(
      'a JobManager leader in ZooKeeper',
      async (seen) => {
        const i = await this.leaderIndex();
        seen(i === undefined ? 'no leader znode' : `leader ${jobManagerAlias(i + 1)}`);
        return i;
      },
      { timeoutMs: 60_000, diagnose: () => this.diagnose(), ...options },
    );
    this.followJobManager(index);
    return index;
  }

  /** The JobManagers as started (under HA: jobmanager-1, jobmanager-2) and ZooKeeper. */
  private adoptJobManagers(up: JobManagersUp): void {
    this.jobManagers = up.jobManagers.map((j) => j.jobManager);
    this.jobManagerRests = up.jobManagers.map((j) => j.rest);
    this.zookeeper = up.zookeeper;
    this.zookeeperProxy = up.zookeeperProxy;
  }

  /** The nodes besides Kafka's that a person would look at: ZooKeeper and every JobManager. */
  private jobManagerNodes(): NodeHandle[] {
    return [...(this.zookeeper ? [this.zookeeper.node] : []), ...(this.zookeeperProxy ? [this.zookeeperProxy.node] : []), ...(this.jobManagers.length ? this.jobManagers : [this.jobManager])];
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
    const tm = await startTaskManager(this.spec, placement(this.spec, this.network), ++this.tmSeq, this.spec.slotsPerTaskManager);
    this.taskManagers.push(tm);
    await connectToNetwork(this.networks, tm);
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
  diagnose(jobId?: string): Promise<string> {
    return diagnose(this.rest, [...this.jobManagerNodes(), ...this.taskManagers, ...this.kafkaNodes()], jobId);
  }

  /** Every node's complete log into `dir`, one file per container. Returns the file paths. */
  saveLogs(dir: string): Promise<string[]> {
    return saveLogs(this.nodes(), dir);
  }

  nodes(): NodeHandle[] {
    return [...this.kafkaNodes(), ...this.jobManagerNodes(), ...this.taskManagers, this.client];
  }

  /** Every broker, and the proxy in front of them when there is one. */
  kafkaNodes(): NodeHandle[] {
    return [...this.kafka.brokers.map((b) => b.node), ...(this.kafkaProxy ? [this.kafkaProxy.node] : [])];
  }

  /**
   * Replaces JobManager, TaskManagers and client by another Flink release's,
   * on the same network, Kafka and checkpoint storage (the upgrade path).
   */
  async replaceFlink(flinkVersion: string, flinkImage: string, jobJar: string): Promise<void> {
    if (this.spec.highAvailability) throw new HarnessError('An upgrade of an HA cluster is not built yet.', 'Run the upgrade scenario with jobManagers: 1.');
    const n = this.taskManagers.length;
    for (const node of [...this.taskManagers, this.client, this.jobManager]) {
      await node.stop(10);
      await node.remove();
    }
    this.taskManagers.length = 0;
    Object.assign(this.spec, { flinkVersion, flinkImage, jobJar });
    const at = { ...placement(this.spec, this.network), prefix: `${containerPrefix(this.spec.runId, this.spec.scenario)}-v${flinkVersion.replaceAll('.', '')}` };
    const { jobManager, rest } = await startJobManager(this.spec, at);
    await connectToNetwork(this.networks, jobManager);
    this.adoptJobManagers({ jobManagers: [{ jobManager, rest }] });
    this.followJobManager(0);
    this.client = await startClient(this.spec, at);
    this.cli = new FlinkCli(this.client.started, JOB_JAR_IN_CONTAINER);
    await this.scaleTaskManagers(n);
  }

  /** Removes every container and the network. Safe to call twice. */
  async stop(): Promise<void> {
    await this.kafka.closeAdmin();
    for (const node of this.nodes()) await node.remove();
    const { docker } = await dockerEngine();
    for (const name of this.networks?.all ?? [this.network]) await docker.getNetwork(name).remove().catch(() => undefined);
  }
}

export const startCluster = (spec: ClusterSpec) => Cluster.start(spec);

/** Shapes the type admits but this file does not build yet: refused, never built as something smaller. */
function refuseUnbuilt(t: Topology): void {
  const unbuilt = [...unbuiltProxies(t)].filter(Boolean);
  if (unbuilt.length > 0) throw new HarnessError(`The cluster cannot build ${unbuilt.join(', ')} yet.`, 'For proxies, ask for taskmanager -> kafka, or jobmanager -> zookeeper with jobManagers: 2.');
}

function placement(spec: ClusterSpec, network?: string): NodePlacement {
  const prefix = containerPrefix(spec.runId, spec.scenario);
  return { runId: spec.runId, scenario: spec.scenario, network: network ?? `${prefix}-net`, prefix };
}

/** Like Promise.all, but waits for every promise to settle first, so nothing still starts after a failure. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
