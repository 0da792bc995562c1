import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Wait } from 'testcontainers';
import { step } from '../config/progress.js';
import { dockerEngine } from './engine.js';
import {
  CHECKPOINTS_DIR, flinkPropertiesText, HA_STORAGE_DIR, highAvailabilityProperties, JOB_JAR_IN_CONTAINER, proxiedZooKeeperQuorum, SAVEPOINTS_DIR,
} from './flink-properties.js';
import { FlinkRest } from './flink-rest.js';
import { LocalhostContainer } from './localhost-container.js';
import { NodeHandle } from './node-handle.js';
import { nodeLabels, startWithProgress, type NodePlacement } from './node-start.js';
import { assertPortFree, freePort } from './ports.js';

// The Flink node factories: JobManager, TaskManager and the CLI client, all
// from one image, with checkpoints and savepoints on the shared host folder.

/** What every Flink node of a cluster is made from. */
export interface FlinkNodeSpec {
  flinkVersion: string;
  flinkImage: string;
  /** Host path of the job jar to put into the client container. */
  jobJar: string;
  /** Host folder for checkpoints and savepoints, shared by JobManager and TaskManagers. */
  storageDir: string;
  flinkProperties?: Record<string, string>;
  /** Fixed host port for the Web UI / REST API; undefined = any free port. Always on 127.0.0.1. */
  webUiPort?: number;
  /** JobManager HA with ZooKeeper: every node gets the HA keys and the HA folder; JobManagers are jobmanager-1, -2. */
  highAvailability?: boolean;
  /** Under HA, each JobManager reaches ZooKeeper through its own link of the ZooKeeper proxy (startZooKeeperProxy). */
  zookeeperProxied?: boolean;
}

/**
 * What a node is told: the scenario's properties over the HA keys (a scenario
 * may tune a timeout); HA JobManager `n` with a proxied ZooKeeper gets its own
 * link as the quorum, whatever the scenario says.
 */
const propertiesText = (spec: FlinkNodeSpec, jobManager?: number) =>
  flinkPropertiesText({
    ...(spec.highAvailability ? highAvailabilityProperties() : {}),
    ...spec.flinkProperties,
    ...(spec.zookeeperProxied && jobManager !== undefined ? { 'high-availability.zookeeper.quorum': proxiedZooKeeperQuorum(jobManager) } : {}),
  });

/** The address nodes are configured with; under HA they find the leader through ZooKeeper instead. */
const rpcAddress = (spec: FlinkNodeSpec) => (spec.highAvailability ? jobManagerAlias(1) : 'jobmanager');

/** Network alias of HA JobManager `n` (1-based). */
export const jobManagerAlias = (n: number) => `jobmanager-${n}`;

/** The shared storage folders, writable by Flink (uid 9999 in its containers) and readable by the harness. */
export async function prepareStorage(dir: string, highAvailability = false): Promise<void> {
  for (const sub of ['checkpoints', 'savepoints', ...(highAvailability ? ['ha'] : [])]) {
    await mkdir(path.join(dir, sub), { recursive: true });
    await chmod(path.join(dir, sub), 0o777);
  }
}

function flinkContainer(spec: FlinkNodeSpec, at: NodePlacement): LocalhostContainer {
  return new LocalhostContainer(spec.flinkImage)
    .withNetworkMode(at.network)
    .withLabels(nodeLabels(at.runId, at.scenario))
    .withBindMounts([
      { source: path.join(spec.storageDir, 'checkpoints'), target: CHECKPOINTS_DIR },
      { source: path.join(spec.storageDir, 'savepoints'), target: SAVEPOINTS_DIR },
      ...(spec.highAvailability ? [{ source: path.join(spec.storageDir, 'ha'), target: HA_STORAGE_DIR }] : []),
    ]) as LocalhostContainer;
}

/**
 * A JobManager: `jobmanager` alone, or HA JobManager `n` (jobmanager-<n>, its
 * own RPC and REST address; the leader is elected through ZooKeeper). The
 * fixed Web UI port, if any, goes to the first.
 */
export async function startJobManager(spec: FlinkNodeSpec, at: NodePlacement, n?: number): Promise<{ jobManager: NodeHandle; rest: FlinkRest }> {
  const alias = n === undefined ? 'jobmanager' : jobManagerAlias(n);
  const label = n === undefined ? 'JobManager' : `JobManager ${n}`;
  const s = step(`Starting ${label} (Flink ${spec.flinkVersion}${n === undefined ? '' : ', HA'})`);
  const webUiPort = n === undefined || n === 1 ? spec.webUiPort : undefined;
  if (webUiPort) await assertPortFree(webUiPort, 'HARNESS_WEB_UI_PORT', 'the Flink Web UI');
  // An HA JobManager gets a fixed host port: one killed and started again keeps its REST address.
  const hostPort = webUiPort ?? (n === undefined ? undefined : await freePort());
  const port = hostPort ? { container: 8081, host: hostPort } : 8081;
  const started = await startWithProgress(
    flinkContainer(spec, at)
      .withName(`${at.prefix}-${alias}`)
      .withNetworkAliases(alias)
      .withExposedPorts(port)
      .withEnvironment({ JOB_MANAGER_RPC_ADDRESS: alias, FLINK_PROPERTIES: propertiesText(spec, n) })
      .withCommand(['jobmanager'])
      // A JobManager that exits (bad configuration) fails the start at once, not after 2 min.
      // A standby answers too: its REST endpoint serves through the leader.
      .withWaitStrategy(Wait.forHttp('/overview', 8081, { abortOnContainerExit: true }).forStatusCode(200)),
    s,
    label,
  );
  const { docker } = await dockerEngine();
  const rest = new FlinkRest(`http://127.0.0.1:${started.getMappedPort(8081)}`);
  s.succeed(`${label} up, Web UI at ${rest.baseUrl}`);
  return { jobManager: new NodeHandle(`${at.prefix}-${alias}`, 'jobmanager', started, docker), rest };
}

/** TaskManager number `n`, waited for until it registered at the ResourceManager. */
export async function startTaskManager(spec: FlinkNodeSpec, at: NodePlacement, n: number, slots: number): Promise<NodeHandle> {
  const name = `${at.prefix}-taskmanager-${n}`;
  const s = step(`Starting TaskManager ${n} (${slots} slots)`);
  const started = await startWithProgress(
    flinkContainer(spec, at)
      .withName(name)
      .withNetworkAliases(`taskmanager-${n}`)
      .withEnvironment({
        JOB_MANAGER_RPC_ADDRESS: rpcAddress(spec),
        TASK_MANAGER_NUMBER_OF_TASK_SLOTS: String(slots),
        FLINK_PROPERTIES: propertiesText(spec),
      })
      .withCommand(['taskmanager'])
      .withWaitStrategy(Wait.forLogMessage(/Successful registration at resource manager/)),
    s,
    `TaskManager ${n}`,
  );
  const { docker } = await dockerEngine();
  s.succeed(`TaskManager ${n} registered`);
  return new NodeHandle(name, 'taskmanager', started, docker);
}

/** The container the real `flink` CLI runs in, with the job jar. */
export async function startClient(spec: FlinkNodeSpec, at: NodePlacement): Promise<NodeHandle> {
  const started = await flinkContainer(spec, at)
    .withName(`${at.prefix}-client`)
    .withEnvironment({ JOB_MANAGER_RPC_ADDRESS: rpcAddress(spec), FLINK_PROPERTIES: propertiesText(spec) })
    .withCopyFilesToContainer([{ source: spec.jobJar, target: JOB_JAR_IN_CONTAINER, mode: 0o644 }])
    .withCommand(['client'])
    .withWaitStrategy(Wait.forLogMessage(/client ready/))
    .withStartupTimeout(60_000)
    .start();
  const { docker } = await dockerEngine();
  return new NodeHandle(`${at.prefix}-client`, 'client', started, docker);
}
