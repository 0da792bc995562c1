import { randomBytes } from 'node:crypto';

// How the nodes of a KRaft quorum are told who they are: pure, so the
// entrypoint's settings can be checked without a container (the image's
// kafka-entrypoint.sh turns this environment into server.properties).

/** The port each broker's FLINK listener is reached on through the proxy (toxiproxy listens on 29091, 29092, ...). */
export const PROXY_BASE_PORT = 29090;
/** The proxy container's name on the Kafka network. */
export const PROXY_HOST = 'toxiproxy';

export interface KafkaNodeLayout {
  /** 1-based KRaft node id, also the broker id. */
  nodeId: number;
  /** The node's own name on the network: `kafka` alone, `kafka-1`.. in a quorum (and alone behind a proxy, which takes `kafka`). */
  alias: string;
  /** Every name it answers to on the network: a quorum's nodes share `kafka` too, unless the proxy has it. */
  aliases: string[];
  /** host:port Flink's clients use on the network, without a proxy. */
  internal: string;
  /** The broker's FLINK listener through the proxy, when there is one. */
  proxied?: { port: number; upstream: string };
  env: Record<string, string>;
}

export interface QuorumSpec {
  brokers: 1 | 3;
  /** Host port per broker (127.0.0.1), fixed so a restarted broker keeps its advertised address. */
  externalPorts: readonly number[];
  /** Shared by all nodes of a quorum (KAFKA_CLUSTER_ID); a single node makes its own. */
  clusterId?: string;
  /** Flink reaches the brokers through the proxy: a FLINK listener per broker, advertised at the proxy. */
  proxied?: boolean;
  /** Extra server.properties lines for every node. */
  extraProperties?: string;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export const newClusterId = (): string => randomBytes(16).toString('base64url');

/** One layout per node: the single node exactly as before, or a quorum of combined broker+controller nodes. */
export function quorumLayout(spec: QuorumSpec): KafkaNodeLayout[] {
  if (spec.externalPorts.length !== spec.brokers) throw new Error(`${spec.brokers} broker(s) need as many host ports, got ${spec.externalPorts.length}`);
  const single = spec.brokers === 1;
  const ids = Array.from({ length: spec.brokers }, (_, i) => i + 1);
  const alias = (id: number) => (single && !spec.proxied ? 'kafka' : `kafka-${id}`);
  const voters = ids.map((id) => `${id}@${alias(id)}:9093`).join(',');
  return ids.map((id, i) => {
    const env: Record<string, string> = { KAFKA_EXTERNAL_PORT: String(spec.externalPorts[i]) };
    if (alias(id) !== 'kafka') env.KAFKA_ADVERTISED_HOST = alias(id);
    if (!single) {
      Object.assign(env, {
        KAFKA_NODE_ID: String(id),
        KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
        KAFKA_CLUSTER_ID: spec.clusterId ?? '',
        KAFKA_REPLICATION_FACTOR: String(spec.brokers),
        KAFKA_MIN_ISR: String(spec.brokers - 1),
      });
      if (!spec.clusterId) throw new Error('a quorum needs one cluster id for all its nodes');
    }
    const aliases = [...new Set([alias(id), ...(spec.proxied ? [] : ['kafka'])])];
    const layout: KafkaNodeLayout = { nodeId: id, alias: alias(id), aliases, internal: `${alias(id)}:9092`, env };
    if (spec.proxied) {
      const port = PROXY_BASE_PORT + id;
      env.KAFKA_PROXY_HOST = PROXY_HOST;
      env.KAFKA_PROXY_PORT = String(port);
      layout.proxied = { port, upstream: `${alias(id)}:29092` };
    }
    if (spec.extraProperties) env.KAFKA_EXTRA_PROPERTIES = spec.extraProperties;
    return layout;
  });
}

/** The bootstrap list Flink's job gets: every broker, through the proxy when there is one. */
export function flinkBootstrap(layout: readonly KafkaNodeLayout[]): string {
  return layout.map((n) => (n.proxied ? `${PROXY_HOST}:${n.proxied.port}` : n.internal)).join(',');
}

/**
 * Quorum settings that make a lost broker show quickly: the controller fences a
 * broker that missed heartbeats for 6 s (default 9 s), and leadership moves.
 */
export const QUORUM_PROPERTIES = ['broker.heartbeat.interval.ms=1000', 'broker.session.timeout.ms=6000'].join('\n');
