import { dockerEngine } from '../containers/engine.js';
import { disconnect, reconnect } from '../containers/networks.js';
import type { NodeHandle } from '../containers/node-handle.js';
import { requireTopology } from '../containers/topology.js';
import { toxicLinks, type Toxic } from '../containers/toxiproxy.js';
import { recordKafkaClientErrors } from './broker.js';
import { recorded, type Testbed } from './context.js';

// Network faults without privileges: a TaskManager cut from Kafka or from the
// JobManager by `docker network disconnect` (topology partitionable: Kafka has
// a network of its own, see containers/networks.ts), and a slow, jittery,
// throttled or lossy link between Flink and Kafka through toxiproxy (topology
// proxies taskmanager -> kafka). Every fault returns its heal; open heals are
// also kept per testbed, so healNetwork(tb) in a test's cleanup ends them
// when a test fails halfway. assertions/network-evidence.ts judges them.

export const PARTITION_FROM_KAFKA = 'partition-taskmanager-kafka';
export const PARTITION_FROM_JOBMANAGER = 'partition-taskmanager-jobmanager';
/** The operation that ends a partition (same target). */
export const HEAL_PARTITION = 'heal-partition';
/** A toxic on every Kafka link of the proxy, and the operation that removes it. */
export const KAFKA_TOXIC = 'kafka-toxic';
export const REMOVE_TOXIC = 'remove-toxic';
/** The check a removed toxic leaves: bytes the proxy carried while it was on. */
export const PROXY_TRAFFIC_CHECK = 'proxy-traffic';

export type Heal = () => Promise<void>;

const openHeals = new WeakMap<Testbed, Set<Heal>>();

/** Ends every network fault still open on this testbed (a test's cleanup); never throws. */
export async function healNetwork(tb: Testbed): Promise<void> {
  for (const heal of [...(openHeals.get(tb) ?? [])]) await heal().catch(() => undefined);
}

function track(tb: Testbed, heal: Heal): Heal {
  const set = openHeals.get(tb) ?? new Set<Heal>();
  openHeals.set(tb, set);
  let done = false;
  const once: Heal = async () => {
    if (done) return;
    done = true;
    set.delete(once);
    await heal();
  };
  set.add(once);
  return once;
}

/**
 * Cuts TaskManager `index` from Kafka (its Kafka network) or from the
 * JobManager (the cluster network); its other link stays. The heal puts it
 * back with its names and address, then records the Kafka client errors the
 * Flink nodes logged meanwhile.
 */
export async function partitionTaskManager(tb: Testbed, index: number, from: 'kafka' | 'jobmanager'): Promise<Heal> {
  const name = from === 'kafka' ? PARTITION_FROM_KAFKA : PARTITION_FROM_JOBMANAGER;
  requireTopology(tb.cluster.topology, { partitionable: true }, name);
  const node: NodeHandle | undefined = tb.cluster.taskManagers[index];
  if (!node) throw new Error(`no TaskManager #${index} (have ${tb.cluster.taskManagers.length})`);
  const network = from === 'kafka' ? tb.cluster.networks.kafka : tb.cluster.networks.cluster;
  const began = Date.now();
  // Its addresses, as Flink's exception history names a TaskManager "<ip>:<port>".
  const { docker } = await dockerEngine();
  const info = await docker.getContainer(node.id).inspect().catch(() => undefined);
  const addresses = Object.values(info?.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).filter(Boolean);
  const attachment = await recorded(tb, 'fault', name, node.name, () => disconnect(node, network), (a) => `off ${network}${a.ip ? ` (${a.ip})` : ''}`, addresses);
  return track(tb, async () => {
    await recorded(tb, 'operation', HEAL_PARTITION, node.name, () => reconnect(node, attachment), () => `back on ${network}`);
    await recordKafkaClientErrors(tb, began);
  });
}

/**
 * A toxic on every link of the Kafka proxy (each broker's and the bootstrap
 * one), both ways unless `stream` says: latency with jitter, a bandwidth
 * limit, or a timeout on a share of connections (toxiproxy's nearest to loss:
 * it stops passing data and closes after `timeout` ms).
 */
export async function addKafkaToxic(tb: Testbed, name: string, toxic: Toxic, options: { toxicity?: number; stream?: 'upstream' | 'downstream' } = {}): Promise<Heal> {
  requireTopology(tb.cluster.topology, { proxies: [{ from: 'taskmanager', to: 'kafka' }] }, `${KAFKA_TOXIC} ${name}`);
  const proxy = tb.cluster.kafkaProxy;
  if (!proxy) throw new Error('the cluster has no Kafka proxy');
  const links = (await proxy.proxies()).map((p) => p.name);
  const streams = options.stream ? [options.stream] : (['upstream', 'downstream'] as const);
  const began = Date.now();
  await recorded(tb, 'fault', KAFKA_TOXIC, name, async () => {
    for (const link of links) {
      for (const stream of streams) await proxy.addToxic(link, { name: `${name}-${stream}`, toxic, stream, toxicity: options.toxicity ?? 1 });
    }
  }, () => `${toxic.type} ${JSON.stringify(toxic.attributes)} on ${links.join(', ')}`);
  return track(tb, async () => {
    const removing = Date.now();
    await recorded(tb, 'operation', REMOVE_TOXIC, name, async () => {
      for (const link of links) for (const stream of streams) await proxy.removeToxic(link, `${name}-${stream}`).catch(() => undefined);
    });
    // The proxy's own log: the live links the toxic was on when removed (its byte counters move only when a connection closes).
    const log = await proxy.node.logs().catch(() => undefined);
    const onLinks = log === undefined ? undefined : toxicLinks(log, name, began, Date.now());
    tb.history.check(
      PROXY_TRAFFIC_CHECK,
      onLinks !== undefined && onLinks > 0,
      onLinks === undefined ? "the proxy's log could not be read" : `${name} was on ${onLinks} link(s) of Kafka connections when removed`,
      { target: name, ...(onLinks !== undefined ? { links: onLinks } : {}), onMs: removing - began },
    );
    await recordKafkaClientErrors(tb, began);
  });
}

/** Latency (ms, with jitter) on every Kafka link, each way. */
export const kafkaLatency = (tb: Testbed, latencyMs: number, jitterMs = 0) =>
  addKafkaToxic(tb, `latency-${latencyMs}ms`, { type: 'latency', attributes: { latency: latencyMs, jitter: jitterMs } });

/** A bandwidth limit (KB/s) on every Kafka link, each way. */
export const kafkaBandwidth = (tb: Testbed, kbPerSecond: number) =>
  addKafkaToxic(tb, `bandwidth-${kbPerSecond}kBps`, { type: 'bandwidth', attributes: { rate: kbPerSecond } });

/** A share of Kafka connections stop passing data and close after `timeoutMs` (lossy links). */
export const kafkaLoss = (tb: Testbed, share: number, timeoutMs = 5_000) =>
  addKafkaToxic(tb, `loss-${Math.round(share * 100)}pct`, { type: 'timeout', attributes: { timeout: timeoutMs } }, { toxicity: share });
