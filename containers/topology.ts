import os from 'node:os';
import { HarnessError } from '../config/harness-error.js';
import type { Profile } from './profiles/profile.js';

// The shape of a cluster, as a scenario asks for it: how many JobManagers
// (2 = HA with ZooKeeper), TaskManagers and brokers, which links go through a
// proxy, which profile. containers/ turns it into nodes; faults check it with
// requireTopology before they act. Pure, except machineMemory().

/** A kind of node a proxy can sit in front of. */
export type TopologyNode = 'jobmanager' | 'taskmanager' | 'kafka' | 'zookeeper';

/** A link that goes through a network proxy (filled by faults/network.ts's topology; typed slot for now). */
export interface ProxyLink {
  from: TopologyNode;
  to: TopologyNode;
}

export interface Topology {
  /** 1, or 2 with HA (ZooKeeper, HA storage on the shared folder). */
  jobManagers: 1 | 2;
  taskManagers: number;
  slotsPerTaskManager: number;
  /** 1, or a KRaft quorum of 3. */
  brokers: 1 | 3;
  /**
   * Links through toxiproxy. Built: taskmanager -> kafka (all of Flink's
   * Kafka traffic, the JobManager's too, goes through one proxy per broker),
   * and under HA jobmanager -> zookeeper (one proxy per JobManager).
   */
  proxies?: readonly ProxyLink[];
  /**
   * Kafka on a network of its own that the JobManager and TaskManagers join
   * too, and the cluster network with a subnet of its own: a TaskManager can
   * then be cut from Kafka alone, or from the JobManager alone, and come back
   * on the same address (faults/network.ts).
   */
  partitionable?: boolean;
  profile?: Profile;
}

export const DEFAULT_TOPOLOGY: Topology = { jobManagers: 1, taskManagers: 1, slotsPerTaskManager: 2, brokers: 1 };

/** A topology from a partial ask, the rest from the defaults. */
export const topologyOf = (ask: Partial<Topology> = {}): Topology => ({ ...DEFAULT_TOPOLOGY, ...ask });

/** What a fault or a scenario needs of the run's shape (each field: at least this). */
export interface TopologyNeed {
  jobManagers?: 2;
  brokers?: 3;
  taskManagers?: number;
  proxies?: readonly ProxyLink[];
  partitionable?: true;
}

/** A clear error when a fault needs a shape the run lacks: "jobmanager-leader-kill needs jobManagers: 2 (HA); this run has 1". */
export function requireTopology(topology: Topology, need: TopologyNeed, faultName: string): void {
  const lacks = topologyLacks(topology, need);
  if (lacks.length > 0) {
    throw new HarnessError(
      `${faultName} needs ${lacks.join(', and ')}`,
      `Ask for that shape in the scenario (runScenario(name, { topology: { ... } })), or leave ${faultName} out of this run.`,
    );
  }
}

/** Each need the topology does not meet, worded for the error ("jobManagers: 2 (HA); this run has 1"). */
export function topologyLacks(topology: Topology, need: TopologyNeed): string[] {
  const lacks: string[] = [];
  if (need.jobManagers !== undefined && topology.jobManagers < need.jobManagers) {
    lacks.push(`jobManagers: ${need.jobManagers} (HA); this run has ${topology.jobManagers}`);
  }
  if (need.brokers !== undefined && topology.brokers < need.brokers) {
    lacks.push(`brokers: ${need.brokers}; this run has ${topology.brokers}`);
  }
  if (need.taskManagers !== undefined && topology.taskManagers < need.taskManagers) {
    lacks.push(`taskManagers: ${need.taskManagers} or more; this run has ${topology.taskManagers}`);
  }
  if (need.partitionable && !topology.partitionable) lacks.push('partitionable: true (Kafka on a network of its own); this run has one network');
  for (const link of need.proxies ?? []) {
    const has = (topology.proxies ?? []).some((p) => p.from === link.from && p.to === link.to);
    if (!has) lacks.push(`a proxy ${link.from} -> ${link.to}; this run has ${describeProxies(topology)}`);
  }
  return lacks;
}

/** Whether Flink's Kafka traffic goes through the proxy. */
export const proxiesKafka = (t: Topology): boolean => (t.proxies ?? []).some((p) => p.from === 'taskmanager' && p.to === 'kafka');

/**
 * Whether each HA JobManager reaches ZooKeeper through a proxy link of its own
 * (TaskManagers and the client reach it directly): the leader can then be cut
 * from ZooKeeper alone, without a capability and without touching its links
 * to the TaskManagers.
 */
export const proxiesZooKeeper = (t: Topology): boolean => (t.proxies ?? []).some((p) => p.from === 'jobmanager' && p.to === 'zookeeper');

/** Proxy links the cluster cannot build (taskmanager -> kafka, and jobmanager -> zookeeper under HA, are built), worded for the refusal. */
export const unbuiltProxies = (t: Topology): string[] =>
  (t.proxies ?? []).flatMap((p) => {
    if (p.from === 'taskmanager' && p.to === 'kafka') return [];
    if (p.from === 'jobmanager' && p.to === 'zookeeper') return t.jobManagers === 2 ? [] : ['a proxy jobmanager -> zookeeper without HA (only jobManagers: 2 has ZooKeeper)'];
    return [`a proxy ${p.from} -> ${p.to}`];
  });

const describeProxies = (t: Topology) => (t.proxies?.length ? t.proxies.map((p) => `${p.from} -> ${p.to}`).join(', ') : 'none');

const MiB = 1024 * 1024;

/**
 * What a node takes besides what Flink's properties say, in MiB: the broker's
 * heap (KAFKA_HEAP in its image, 512m) and JVM overhead, ZooKeeper's heap and
 * overhead, the CLI client's JVM while `flink run` runs, and the harness itself.
 */
export const NODE_MEMORY_MIB = { broker: 512 + 256, zookeeper: 256 + 128, client: 512, harness: 1024, proxy: 64 } as const;

export interface MemoryLine {
  node: string;
  count: number;
  eachBytes: number;
}

export interface MemoryFigure {
  lines: MemoryLine[];
  totalBytes: number;
}

/** Flink's MemorySize text ("1600m", "1728 mb", "2g", "1073741824") in bytes; undefined when it is not one. */
export function parseFlinkMemorySize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const scale: Record<string, number> = {
    '': 1, b: 1, bytes: 1,
    k: 1024, kb: 1024, kibibytes: 1024,
    m: MiB, mb: MiB, mebibytes: MiB,
    g: 1024 * MiB, gb: 1024 * MiB, gibibytes: 1024 * MiB,
    t: 1024 * 1024 * MiB, tb: 1024 * 1024 * MiB, tebibytes: 1024 * 1024 * MiB,
  };
  const factor = scale[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

function processSize(properties: Record<string, string>, key: string): number {
  const text = properties[key];
  const bytes = text === undefined ? undefined : parseFlinkMemorySize(text);
  if (bytes === undefined) {
    throw new HarnessError(`${key} is ${text === undefined ? 'not set' : `"${text}", not a memory size`}: the harness sizes the cluster by it.`, `Set ${key} to a size such as 1600m.`);
  }
  return bytes;
}

/** The memory a topology needs, node by node: JobManager and TaskManager process sizes from the Flink properties. */
export function topologyMemory(topology: Topology, flinkProperties: Record<string, string>): MemoryFigure {
  const lines: MemoryLine[] = [
    { node: 'JobManager', count: topology.jobManagers, eachBytes: processSize(flinkProperties, 'jobmanager.memory.process.size') },
    { node: 'TaskManager', count: topology.taskManagers, eachBytes: processSize(flinkProperties, 'taskmanager.memory.process.size') },
    { node: 'Kafka broker', count: topology.brokers, eachBytes: NODE_MEMORY_MIB.broker * MiB },
    { node: 'ZooKeeper', count: topology.jobManagers === 2 ? 1 : 0, eachBytes: NODE_MEMORY_MIB.zookeeper * MiB },
    { node: 'CLI client', count: 1, eachBytes: NODE_MEMORY_MIB.client * MiB },
    { node: 'toxiproxy', count: (proxiesKafka(topology) ? 1 : 0) + (proxiesZooKeeper(topology) ? 1 : 0), eachBytes: NODE_MEMORY_MIB.proxy * MiB },
    { node: 'harness', count: 1, eachBytes: NODE_MEMORY_MIB.harness * MiB },
  ].filter((l) => l.count > 0);
  return { lines, totalBytes: lines.reduce((sum, l) => sum + l.count * l.eachBytes, 0) };
}

export const describeMemory = (f: MemoryFigure): string =>
  `${gib(f.totalBytes)} (${f.lines.map((l) => `${l.count} x ${l.node} ${Math.round(l.eachBytes / MiB)} MiB`).join(' + ')})`;

const gib = (bytes: number) => `${(bytes / (1024 * MiB)).toFixed(1)} GiB`;

export interface MachineMemory {
  totalBytes: number;
  /** What the kernel can give without swapping (Linux MemAvailable). */
  availableBytes: number;
}

export const machineMemory = (): MachineMemory => ({ totalBytes: os.totalmem(), availableBytes: os.freemem() });

/**
 * Refuses, before any container starts, a topology that is malformed or that
 * this machine's memory cannot hold, with the figure. Returns the figure.
 */
export function checkTopology(topology: Topology, flinkProperties: Record<string, string>, machine: MachineMemory): MemoryFigure {
  const problems: string[] = [];
  if (topology.jobManagers !== 1 && topology.jobManagers !== 2) problems.push(`jobManagers is ${topology.jobManagers} (1, or 2 for HA)`);
  if (topology.brokers !== 1 && topology.brokers !== 3) problems.push(`brokers is ${topology.brokers} (1 or 3)`);
  if (!Number.isInteger(topology.taskManagers) || topology.taskManagers < 0) problems.push(`taskManagers is ${topology.taskManagers} (0 or more)`);
  if (!Number.isInteger(topology.slotsPerTaskManager) || topology.slotsPerTaskManager < 1) problems.push(`slotsPerTaskManager is ${topology.slotsPerTaskManager} (1 or more)`);
  if (problems.length > 0) throw new HarnessError(`Not a topology the harness can build: ${problems.join('; ')}.`, 'Fix the scenario\'s topology.');
  const figure = topologyMemory(topology, flinkProperties);
  const room = Math.min(machine.totalBytes, machine.availableBytes);
  if (figure.totalBytes > room) {
    throw new HarnessError(
      `This topology needs ${describeMemory(figure)}; this machine has ${gib(machine.availableBytes)} available of ${gib(machine.totalBytes)}.`,
      'Ask for fewer TaskManagers or JobManagers, lower jobmanager/taskmanager.memory.process.size, or free memory (npm run janitor removes leftover containers).',
    );
  }
  return figure;
}
