import { dockerEngine } from './engine.js';
import type { NodeHandle } from './node-handle.js';

// The cluster's Docker networks. One (the playground's), or, for a
// partitionable topology, two: the cluster network (JobManager, TaskManagers,
// client) and Kafka's (brokers, proxy), which the JobManager and TaskManagers
// join too. `docker network disconnect` of a TaskManager from one of them then
// cuts exactly one link (to the JobManager, or to Kafka) and needs no
// capability. Both get a subnet of their own, so that a node reconnects on
// the address it had: Flink's TaskManagers advertise their IP, not a name.

export interface ClusterNetworks {
  /** JobManager, TaskManagers, client (and Kafka too when there is only one). */
  cluster: string;
  /** Where the brokers and the proxy are; = cluster when not partitionable. */
  kafka: string;
  all: string[];
}

/** Where the harness carves its own /24 subnets from: Docker's default pool region (172.17-31), from the top. */
const SUBNET_POOL = { first: [172, 31], last: [172, 28] } as const;

/** IPv4 CIDR as [network, size]. */
function range(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) return undefined;
  const ip = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(m[5]));
  return [ip - (ip % size), size];
}

/** `count` /24 subnets that overlap none of `taken` (CIDRs of the engine's networks and the host's routes). */
export function pickSubnets(taken: readonly string[], count: number): string[] {
  const used = taken.map(range).filter((r): r is [number, number] => r !== undefined);
  const picked: string[] = [];
  for (let b = SUBNET_POOL.first[1]; b >= SUBNET_POOL.last[1] && picked.length < count; b--) {
    for (let c = 255; c >= 0 && picked.length < count; c--) {
      const cidr = `172.${b}.${c}.0/24`;
      const [start, size] = range(cidr)!;
      if (used.some(([s, n]) => start < s + n && s < start + size)) continue;
      picked.push(cidr);
      used.push([start, size]);
    }
  }
  if (picked.length < count) throw new Error(`no free /24 subnet left in 172.28-31.x for the cluster's networks (${taken.length} taken)`);
  return picked;
}

export async function createClusterNetworks(name: string, partitionable: boolean, labels: Record<string, string>): Promise<ClusterNetworks> {
  const { docker } = await dockerEngine();
  if (!partitionable) {
    await docker.createNetwork({ Name: name, Labels: labels });
    return { cluster: name, kafka: name, all: [name] };
  }
  const kafka = `${name}-kafka`;
  const taken = (await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter(Boolean);
  const [a, b] = pickSubnets(taken, 2);
  const created: string[] = [];
  try {
    for (const [n, subnet] of [[name, a!], [kafka, b!]] as const) {
      await docker.createNetwork({ Name: n, Labels: labels, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } });
      created.push(n);
    }
  } catch (e) {
    for (const n of created) await docker.getNetwork(n).remove().catch(() => undefined);
    throw e;
  }
  return { cluster: name, kafka, all: [name, kafka] };
}

/** A Flink node on the cluster network joins Kafka's too (partitionable topologies; nothing otherwise). */
export async function connectToNetwork(networks: ClusterNetworks, node: NodeHandle): Promise<void> {
  if (networks.kafka === networks.cluster) return;
  const { docker } = await dockerEngine();
  await docker.getNetwork(networks.kafka).connect({ Container: node.id });
}

/** How a node was attached to a network: what a reconnect must give back. */
export interface Attachment {
  network: string;
  ip?: string;
  aliases: string[];
}

/** Cuts `node` from `network` (its other networks stay). Returns how to put it back. */
export async function disconnect(node: NodeHandle, network: string): Promise<Attachment> {
  const { docker } = await dockerEngine();
  const info = await docker.getContainer(node.id).inspect();
  const endpoint = info.NetworkSettings.Networks?.[network];
  if (!endpoint) throw new Error(`${node.name} is not on network ${network} (it is on ${Object.keys(info.NetworkSettings.Networks ?? {}).join(', ')})`);
  // Docker lists the container's short id among its aliases; it adds that back by itself.
  const aliases = ((endpoint.Aliases ?? []) as string[]).filter((a: string) => !info.Id.startsWith(a));
  await docker.getNetwork(network).disconnect({ Container: node.id, Force: true });
  return { network, ...(endpoint.IPAddress ? { ip: endpoint.IPAddress } : {}), aliases };
}

/** Puts a node back as it was: same aliases, and the same address where the network has a subnet of its own. */
export async function reconnect(node: NodeHandle, a: Attachment): Promise<void> {
  const { docker } = await dockerEngine();
  const net = docker.getNetwork(a.network);
  if (a.ip) {
    try {
      await net.connect({ Container: node.id, EndpointConfig: { Aliases: a.aliases, IPAMConfig: { IPv4Address: a.ip } } });
      return;
    } catch (e) {
      // A network Docker chose the subnet of takes no fixed address: the node comes back on a new one.
      if (!/user specified IP address is supported only|user configured subnets/i.test(String((e as Error).message))) throw e;
    }
  }
  await net.connect({ Container: node.id, EndpointConfig: { Aliases: a.aliases } });
}
