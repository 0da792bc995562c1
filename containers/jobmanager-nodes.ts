import type { FlinkRest } from './flink-rest.js';
import { startJobManager, type FlinkNodeSpec } from './flink-nodes.js';
import type { NodeHandle } from './node-handle.js';
import type { NodePlacement } from './node-start.js';
import type { Toxiproxy } from './toxiproxy.js';
import { startZooKeeper, startZooKeeperProxy, type ZooKeeperNode } from './zookeeper-nodes.js';

/** The JobManagers of a cluster as started, and ZooKeeper under HA. */
export interface JobManagersUp {
  jobManagers: { jobManager: NodeHandle; rest: FlinkRest }[];
  zookeeper?: ZooKeeperNode;
  /** Under HA with topology proxies jobmanager -> zookeeper: each JobManager's link to ZooKeeper. */
  zookeeperProxy?: Toxiproxy;
}

/**
 * One JobManager, or under HA ZooKeeper first (the JobManagers elect their
 * leader there) and then jobmanager-1 and jobmanager-2 together. Each node is
 * handed to `started` as soon as it runs, so a failed start removes it.
 */
export async function startJobManagers(
  spec: FlinkNodeSpec & { zookeeperImage?: string; toxiproxyImage?: string },
  at: NodePlacement,
  started: (node: NodeHandle) => void,
): Promise<JobManagersUp> {
  const one = (n?: number) => startJobManager(spec, at, n).then((j) => (started(j.jobManager), j));
  if (!spec.highAvailability) return { jobManagers: [await one()] };
  const zookeeper = await startZooKeeper(spec.zookeeperImage!, at);
  started(zookeeper.node);
  // Before the JobManagers: their quorum is their link of the proxy.
  let zookeeperProxy: Toxiproxy | undefined;
  if (spec.zookeeperProxied) {
    // Cluster.start refuses a proxied topology without the image before anything starts.
    zookeeperProxy = await startZooKeeperProxy(spec.toxiproxyImage!, at, 2);
    started(zookeeperProxy.node);
  }
  const results = await Promise.allSettled([one(1), one(2)]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { jobManagers: results.map((r) => (r as PromiseFulfilledResult<{ jobManager: NodeHandle; rest: FlinkRest }>).value), zookeeper, ...(zookeeperProxy ? { zookeeperProxy } : {}) };
}
