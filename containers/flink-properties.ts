/** Where checkpoints and savepoints live inside every Flink container (the playground's paths). */
export const CHECKPOINTS_DIR = '/tmp/flink-checkpoints-directory';
export const SAVEPOINTS_DIR = '/tmp/flink-savepoints-directory';
export const JOB_JAR_IN_CONTAINER = '/opt/job/click-event-count.jar';
/** JobManager HA metadata (job graphs, checkpoint pointers' targets), on the shared folder like checkpoints. */
export const HA_STORAGE_DIR = '/tmp/flink-ha-directory';
/** Where the ZooKeeper node answers on the cluster's network. */
export const ZOOKEEPER_QUORUM = 'zookeeper:2181';
/** Flink's ZooKeeper root (its default) and this cluster's id under it: one ZooKeeper per cluster. */
export const HA_ROOT = '/flink';
export const HA_CLUSTER_ID = '/playground';

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
    // The JobManager's metric fetcher starts a fetch only once the previous one ended, and a query to a
    // killed TaskManager's metric service waits web.timeout (default 10 min): after a kill the REST metrics
    // froze, the new job's numLateRecordsDropped never appeared (seen 3 Dec, twice in ten lifecycle runs).
    'web.timeout': '30000',
  };
}

/** The playground's properties under `extra`, as FLINK_PROPERTIES text (one `key: value` a line). */
export function flinkPropertiesText(extra?: Record<string, string>): string {
  return Object.entries({ ...playgroundFlinkProperties(), ...extra })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** The ZooKeeper proxy's name, and JobManager n's own link through it (topology proxies jobmanager -> zookeeper). */
export const ZOOKEEPER_PROXY_HOST = 'zookeeper-proxy';
export const zookeeperProxyPort = (n: number) => 21810 + n;

/** JobManager n's ZooKeeper address when it goes through its own proxy link. */
export const proxiedZooKeeperQuorum = (n: number) => `${ZOOKEEPER_PROXY_HOST}:${zookeeperProxyPort(n)}`;

/**
 * JobManager HA with ZooKeeper (1.20 and 2.x key names). The session timeout
 * is short (6 s; Flink's default 60 s, which ZooKeeper would cap at 20 ticks):
 * a killed leader's ephemeral znodes go, and a standby takes over, within
 * seconds. Suspended connections are not tolerated (Flink's default): a
 * ZooKeeper restart revokes leadership, as in production.
 */
export function highAvailabilityProperties(): Record<string, string> {
  return {
    'high-availability.type': 'zookeeper',
    'high-availability.zookeeper.quorum': ZOOKEEPER_QUORUM,
    'high-availability.zookeeper.path.root': HA_ROOT,
    'high-availability.cluster-id': HA_CLUSTER_ID,
    'high-availability.storageDir': `file://${HA_STORAGE_DIR}`,
    'high-availability.zookeeper.client.session-timeout': '6000',
    'high-availability.zookeeper.client.connection-timeout': '5000',
  };
}
