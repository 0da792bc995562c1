import { setTimeout as sleep } from 'node:timers/promises';
import { LEADER_CHECK } from '../assertions/jobmanager-evidence.js';
import { jobManagerAlias } from '../containers/flink-nodes.js';
import type { NodeHandle } from '../containers/node-handle.js';
import { requireTopology } from '../containers/topology.js';
import { zookeeperLinkName } from '../containers/zookeeper-nodes.js';
import { nodeAddresses } from './schedule/cluster-view.js';
import { recorded, type Testbed } from './context.js';

// JobManager faults of an HA cluster (topology jobManagers: 2), as an operator
// would meet them: the leader SIGKILLed or frozen, ZooKeeper restarted, the
// leader cut off from ZooKeeper. Each fault points the harness at the JobManager
// that will lead (or serve) next, and `awaitLeader` records what ZooKeeper names
// leader afterwards: the 'check' assertions/jobmanager-evidence.ts judges by.

const HA = { jobManagers: 2 } as const;

/** The JobManager ZooKeeper names REST leader now (the fault's precondition: HA, and a leader). */
async function currentLeader(tb: Testbed, faultName: string): Promise<{ index: number; alias: string; node: NodeHandle }> {
  requireTopology(tb.cluster.topology, HA, faultName);
  const index = await tb.cluster.leaderIndex();
  if (index === undefined) throw new Error(`${faultName}: ZooKeeper names no JobManager leader`);
  return { index, alias: jobManagerAlias(index + 1), node: tb.cluster.jobManagers[index]! };
}

const other = (tb: Testbed, index: number) => (index + 1) % tb.cluster.jobManagers.length;

const addressesOf = (node: NodeHandle) => nodeAddresses(node).catch(() => [] as string[]);

/** SIGKILL of the leader; the harness then talks to the standby. Returns the killed leader's index. */
export async function killJobManagerLeader(tb: Testbed): Promise<{ index: number; alias: string }> {
  const leader = await currentLeader(tb, 'kill-jobmanager-leader');
  await recorded(tb, 'fault', 'kill-jobmanager-leader', leader.node.name, () => leader.node.kill(), () => `leader ${leader.alias}`, await addressesOf(leader.node));
  tb.cluster.followJobManager(other(tb, leader.index));
  return leader;
}

/** docker pause of the leader (frozen: its ZooKeeper session expires); the harness then talks to the standby. */
export async function pauseJobManagerLeader(tb: Testbed): Promise<{ index: number; alias: string }> {
  const leader = await currentLeader(tb, 'pause-jobmanager-leader');
  await recorded(tb, 'fault', 'pause-jobmanager-leader', leader.node.name, () => leader.node.pause(), () => `leader ${leader.alias}`, await addressesOf(leader.node));
  tb.cluster.followJobManager(other(tb, leader.index));
  return leader;
}

export const unpauseJobManager = (tb: Testbed, index: number) =>
  recorded(tb, 'operation', 'unpause-jobmanager', tb.cluster.jobManagers[index]!.name, () => tb.cluster.jobManagers[index]!.unpause());

/** Starts a killed JobManager again (same container): under HA it comes back as a standby. */
export const startJobManager = (tb: Testbed, index: number) =>
  recorded(tb, 'operation', 'start-jobmanager', tb.cluster.jobManagers[index]!.name, () => tb.cluster.jobManagers[index]!.start());

/** ZooKeeper stopped (SIGTERM), down for `downMs`, and started again: Flink's leaders lose their leadership meanwhile. */
export async function restartZooKeeper(tb: Testbed, downMs = 3_000): Promise<void> {
  requireTopology(tb.cluster.topology, HA, 'restart-zookeeper');
  const zk = tb.cluster.zookeeper!.node;
  await recorded(tb, 'fault', 'restart-zookeeper', zk.name, async () => {
    await zk.stop(10);
    await sleep(downMs);
    await zk.start();
  }, () => `down ${downMs} ms`);
}

/** How a JobManager is cut off from ZooKeeper; it hands back how to heal. */
export type IsolateFromZooKeeper = (tb: Testbed, jobManager: NodeHandle) => Promise<{ heal(): Promise<void> }>;

/**
 * The JobManager's own link of the ZooKeeper proxy disabled (topology proxies
 * jobmanager -> zookeeper): toxiproxy closes its connections and refuses new
 * ones, while the TaskManagers, the client and the other JobManager keep
 * theirs. Its ZooKeeper session then expires (6 s), its leadership with it.
 */
export const viaZooKeeperProxy: IsolateFromZooKeeper = async (tb, jobManager) => {
  requireTopology(tb.cluster.topology, { ...HA, proxies: [{ from: 'jobmanager', to: 'zookeeper' }] }, 'isolate-jobmanager-leader');
  const proxy = tb.cluster.zookeeperProxy;
  const n = tb.cluster.jobManagers.indexOf(jobManager) + 1;
  if (!proxy || n === 0) throw new Error(`isolate-jobmanager-leader: no ZooKeeper proxy link for ${jobManager.name}`);
  await proxy.setEnabled(zookeeperLinkName(n), false);
  return { heal: () => proxy.setEnabled(zookeeperLinkName(n), true) };
};

/** The leader cut off from ZooKeeper by `isolate`; returns the heal. The harness then talks to the standby. */
export async function isolateJobManagerLeader(tb: Testbed, isolate: IsolateFromZooKeeper): Promise<{ index: number; alias: string; heal(): Promise<void> }> {
  const leader = await currentLeader(tb, 'isolate-jobmanager-leader');
  const cut = await recorded(tb, 'fault', 'isolate-jobmanager-leader', leader.node.name, () => isolate(tb, leader.node), () => `leader ${leader.alias}`, await addressesOf(leader.node));
  tb.cluster.followJobManager(other(tb, leader.index));
  return { index: leader.index, alias: leader.alias, heal: () => recorded(tb, 'operation', 'heal-jobmanager-leader', leader.node.name, () => cut.heal()) };
}

/**
 * Polls ZooKeeper (bounded) until it names a REST leader that runs (another
 * than `previous` when `change`), follows it, and records the 'check' the
 * evidence rule reads. Never throws: no leader is a failed check, and the rule
 * makes the run inconclusive.
 */
export async function awaitLeader(tb: Testbed, previous: string | undefined, change: boolean, timeoutMs = 90_000): Promise<string | undefined> {
  const t0 = Date.now();
  let seen = 'no leader znode';
  while (Date.now() - t0 < timeoutMs) {
    const index = await tb.cluster.leaderIndex().catch(() => undefined);
    if (index !== undefined) {
      const alias = jobManagerAlias(index + 1);
      seen = `${alias} named`;
      if ((!change || alias !== previous) && (await tb.cluster.jobManagers[index]!.isRunning())) {
        tb.cluster.followJobManager(index);
        tb.history.check(LEADER_CHECK, true, `ZooKeeper names ${alias} REST leader ${Date.now() - t0} ms after asking (before: ${previous ?? 'unknown'})`, { leader: alias, previous });
        return alias;
      }
    }
    await sleep(500);
  }
  tb.history.check(LEADER_CHECK, false, `no ${change ? 'new ' : ''}leader in ZooKeeper within ${timeoutMs / 1000} s (last: ${seen})`, { previous });
  return undefined;
}
