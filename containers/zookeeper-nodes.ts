import { Wait } from 'testcontainers';
import { step } from '../config/progress.js';
import { dockerEngine } from './engine.js';
import { HA_CLUSTER_ID, HA_ROOT, ZOOKEEPER_PROXY_HOST, zookeeperProxyPort } from './flink-properties.js';
import { LocalhostContainer } from './localhost-container.js';
import { NodeHandle } from './node-handle.js';
import { nodeLabels, startWithProgress, type NodePlacement } from './node-start.js';
import type { Toxiproxy } from './toxiproxy.js';
import { startToxiproxyNode } from './toxiproxy-node.js';

/** The znode holding the REST leader's address ("http://jobmanager-2:8081", Java-serialized) under Flink's HA root. */
export const REST_LEADER_SUFFIX = '/rest_server/connection_info';

/** The one ZooKeeper server of an HA cluster, and what the harness reads from it. */
export class ZooKeeperNode {
  constructor(readonly node: NodeHandle) {}

  /** ZooKeeper's own CLI in its container; the command's output, or undefined when it cannot answer. */
  async cli(args: string[], timeoutMs = 20_000): Promise<string | undefined> {
    const exec = this.node.started.exec(['zk-cli', ...args]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    try {
      const r = await Promise.race([exec, timeout]);
      return r && r.exitCode === 0 ? r.stdout : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The JobManager alias ("jobmanager-2") the REST leader znode names now,
   * with the znode's path; undefined while there is no leader (or ZooKeeper
   * does not answer). Paths differ between releases, so the znode is found by
   * its suffix under this cluster's root.
   */
  async restLeader(): Promise<{ alias: string; znode: string } | undefined> {
    const tree = await this.cli(['ls', '-R', `${HA_ROOT}${HA_CLUSTER_ID}`]);
    const infos = (tree ?? '').split('\n').map((l) => l.trim()).filter((l) => l.endsWith('/connection_info'));
    // All of a session cluster's components share one election: any component's znode names the same leader.
    const znode = infos.find((l) => l.endsWith(REST_LEADER_SUFFIX)) ?? infos[0];
    if (!znode) return undefined;
    const data = await this.cli(['get', znode]);
    const alias = data === undefined ? undefined : leaderAliasIn(data);
    return alias ? { alias, znode } : undefined;
  }
}

/** The JobManager alias in a leader znode's data (the address is written with writeUTF: readable among binary bytes). */
export function leaderAliasIn(data: string): string | undefined {
  return /(?:\/\/|@)(jobmanager-\d+):\d+/.exec(data)?.[1];
}

/** ZooKeeper at zookeeper:2181 on the network; no host port (the harness reads it with its CLI inside). */
export async function startZooKeeper(image: string, at: NodePlacement): Promise<ZooKeeperNode> {
  const s = step('Starting ZooKeeper (JobManager HA)');
  const name = `${at.prefix}-zookeeper`;
  const started = await startWithProgress(
    new LocalhostContainer(image)
      .withName(name)
      .withNetworkMode(at.network)
      .withNetworkAliases('zookeeper')
      .withLabels(nodeLabels(at.runId, at.scenario))
      .withWaitStrategy(Wait.forLogMessage(/binding to port/)),
    s,
    'ZooKeeper',
  );
  const { docker } = await dockerEngine();
  s.succeed('ZooKeeper up at zookeeper:2181');
  return new ZooKeeperNode(new NodeHandle(name, 'zookeeper', started, docker));
}

/** The ZooKeeper proxy's link of JobManager n (1-based). */
export const zookeeperLinkName = (n: number) => `zookeeper-for-jobmanager-${n}`;

/**
 * toxiproxy in front of ZooKeeper, one link per HA JobManager
 * (zookeeper-proxy:2181<n> -> zookeeper:2181; the JobManager's quorum, see
 * containers/flink-nodes.ts). TaskManagers and the client keep their direct
 * link, so disabling one JobManager's link cuts that JobManager, and only
 * it, from ZooKeeper (faults/jobmanager.ts isolateJobManagerLeader).
 */
export const startZooKeeperProxy = (image: string, at: NodePlacement, jobManagers: number): Promise<Toxiproxy> =>
  startToxiproxyNode(image, at, {
    name: 'zookeeper-proxy',
    aliases: [ZOOKEEPER_PROXY_HOST],
    what: 'in front of ZooKeeper (a link per JobManager)',
    links: Array.from({ length: jobManagers }, (_, i) => ({ name: zookeeperLinkName(i + 1), listen: `0.0.0.0:${zookeeperProxyPort(i + 1)}`, upstream: 'zookeeper:2181' })),
  });
