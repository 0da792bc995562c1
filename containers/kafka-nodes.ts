import { type StartedTestContainer, Wait } from 'testcontainers';
import { step } from '../config/progress.js';
import { dockerEngine } from './engine.js';
import { KafkaBroker, type KafkaBrokerNode } from './kafka-broker.js';
import { flinkBootstrap, newClusterId, PROXY_HOST, QUORUM_PROPERTIES, quorumLayout, type KafkaNodeLayout } from './kafka-quorum.js';
import { LocalhostContainer } from './localhost-container.js';
import { NodeHandle } from './node-handle.js';
import { nodeLabels, startWithProgress, type NodePlacement } from './node-start.js';
import { freePort } from './ports.js';
import type { Toxiproxy } from './toxiproxy.js';
import { startToxiproxyNode } from './toxiproxy-node.js';

// The Kafka node factories: one KRaft node (the playground's), or a quorum of
// three combined broker+controller nodes, and the proxy Flink's Kafka
// traffic can go through.

export interface KafkaShape {
  brokers: 1 | 3;
  /** Flink's Kafka traffic goes through toxiproxy (startKafkaProxy): each broker gets a FLINK listener advertised at the proxy. */
  proxied?: boolean;
}

/**
 * The Kafka nodes on `at.network`. One node: `kafka:9092`, exactly as ever.
 * Three: `kafka-1:9092`..`kafka-3:9092`, each also under the shared name
 * `kafka` (Docker's DNS answers it with every running broker, so a job given
 * the playground's `kafka:9092` still bootstraps from any of them), each on its
 * own fixed port on 127.0.0.1. With a proxy the shared name belongs to the
 * proxy instead (startKafkaProxy), so that Flink's traffic goes through it.
 */
export async function startKafka(kafkaImage: string, at: NodePlacement, shape: KafkaShape = { brokers: 1 }): Promise<KafkaBroker> {
  const single = shape.brokers === 1;
  const s = step(single ? 'Starting Kafka broker (KRaft, one node)' : `Starting Kafka (KRaft quorum of ${shape.brokers})`);
  const ports = await distinctFreePorts(shape.brokers);
  const layout = quorumLayout({
    brokers: shape.brokers,
    externalPorts: ports,
    proxied: shape.proxied,
    ...(single ? {} : { clusterId: newClusterId(), extraProperties: QUORUM_PROPERTIES }),
  });
  const { docker } = await dockerEngine();
  const started = await Promise.allSettled(
    layout.map((n) =>
      startWithProgress(
        new LocalhostContainer(kafkaImage)
          .withName(nodeName(at, n, single))
          .withNetworkMode(at.network)
          .withNetworkAliases(...n.aliases)
          .withLabels(nodeLabels(at.runId, at.scenario))
          .withExposedPorts({ container: 19092, host: Number(n.env.KAFKA_EXTERNAL_PORT) })
          .withEnvironment(n.env)
          .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/)),
        s,
        single ? 'Kafka broker' : `Kafka broker ${n.nodeId}`,
      ),
    ),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const r of started) if (r.status === 'fulfilled') await r.value.stop({ remove: true }).catch(() => undefined);
    throw failed.reason;
  }
  const brokers: KafkaBrokerNode[] = layout.map((n, i) => ({
    node: new NodeHandle(nodeName(at, n, single), 'kafka', (started[i] as PromiseFulfilledResult<StartedTestContainer>).value, docker),
    nodeId: n.nodeId,
    alias: n.alias,
    external: `127.0.0.1:${ports[i]}`,
    internal: n.internal,
    ...(n.proxied ? { proxied: n.proxied } : {}),
  }));
  const internal = brokers.map((b) => b.internal).join(',');
  s.succeed(single ? `Kafka up at ${brokers[0]!.external}` : `Kafka quorum up at ${brokers.map((b) => b.external).join(', ')}`);
  return new KafkaBroker(brokers[0]!.node, brokers.map((b) => b.external).join(','), internal, brokers, flinkBootstrap(layout));
}

/** The links toxiproxy carries for a proxied Kafka: one per broker, and `bootstrap` (kafka:9092 -> broker 1) for a job given the playground's address. */
export const BOOTSTRAP_PROXY = 'bootstrap';

/**
 * Toxiproxy on the Kafka network, answering to `toxiproxy` and to the
 * playground's `kafka`: one proxy per broker (toxiproxy:29091 -> kafka-1's
 * FLINK listener, ...), which is what each broker advertises to a client that
 * came in through it, and `bootstrap` on 9092. Its API on 127.0.0.1.
 */
export async function startKafkaProxy(image: string, at: NodePlacement, kafka: KafkaBroker): Promise<Toxiproxy> {
  const links = kafka.brokers.map((b) => {
    if (!b.proxied) throw new Error(`broker ${b.nodeId} has no FLINK listener: start Kafka with proxied: true`);
    return { name: brokerProxyName(b.nodeId), listen: `0.0.0.0:${b.proxied.port}`, upstream: b.proxied.upstream };
  });
  return startToxiproxyNode(image, at, {
    name: 'toxiproxy',
    aliases: [PROXY_HOST, 'kafka'],
    what: 'in front of Kafka',
    links: [...links, { name: BOOTSTRAP_PROXY, listen: '0.0.0.0:9092', upstream: links[0]!.upstream }],
  });
}

export const brokerProxyName = (nodeId: number) => `kafka-${nodeId}`;

function nodeName(at: NodePlacement, n: KafkaNodeLayout, single: boolean): string {
  return single ? `${at.prefix}-kafka` : `${at.prefix}-kafka-${n.nodeId}`;
}

/** `n` free ports on 127.0.0.1, all different (freePort may hand back one it just gave). */
async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
