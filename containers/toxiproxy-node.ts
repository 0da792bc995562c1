import { Wait } from 'testcontainers';
import { step } from '../config/progress.js';
import { dockerEngine } from './engine.js';
import { LocalhostContainer } from './localhost-container.js';
import { NodeHandle } from './node-handle.js';
import { nodeLabels, startWithProgress, type NodePlacement } from './node-start.js';
import { Toxiproxy } from './toxiproxy.js';

// A toxiproxy node (the image built from its Go module), its API on
// 127.0.0.1: the Kafka proxy and the ZooKeeper proxy are each one, with
// their links created by their factories.

export interface ToxiproxyNodeSpec {
  /** Container name suffix after the scenario's prefix. */
  name: string;
  /** Names the other nodes reach it by. */
  aliases: string[];
  /** For the progress line: "in front of Kafka". */
  what: string;
  /** Links to create once it answers: name, listen address, upstream. */
  links: { name: string; listen: string; upstream: string }[];
}

export async function startToxiproxyNode(image: string, at: NodePlacement, spec: ToxiproxyNodeSpec): Promise<Toxiproxy> {
  const s = step(`Starting toxiproxy ${spec.what}`);
  const name = `${at.prefix}-${spec.name}`;
  const started = await startWithProgress(
    new LocalhostContainer(image)
      .withName(name)
      .withNetworkMode(at.network)
      .withNetworkAliases(...spec.aliases)
      .withLabels(nodeLabels(at.runId, at.scenario))
      .withExposedPorts(8474)
      .withWaitStrategy(Wait.forHttp('/version', 8474).forStatusCode(200)),
    s,
    spec.name,
  );
  const { docker } = await dockerEngine();
  const proxy = new Toxiproxy(new NodeHandle(name, 'proxy', started, docker), `http://127.0.0.1:${started.getMappedPort(8474)}`);
  for (const l of spec.links) await proxy.createProxy(l.name, l.listen, l.upstream);
  s.succeed(`toxiproxy ${spec.what} up, API at ${proxy.apiUrl}`);
  return proxy;
}
