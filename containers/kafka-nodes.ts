import { Wait } from 'testcontainers';
import { step } from '../config/progress.js';
import { dockerEngine } from './engine.js';
import { KafkaBroker } from './kafka-broker.js';
import { LocalhostContainer } from './localhost-container.js';
import { NodeHandle } from './node-handle.js';
import { nodeLabels, startWithProgress, type NodePlacement } from './node-start.js';
import { freePort } from './ports.js';

/** One KRaft node (broker + controller) at `kafka:9092` on the network, 127.0.0.1:<free port> on the host. */
export async function startKafka(kafkaImage: string, at: NodePlacement): Promise<KafkaBroker> {
  const s = step('Starting Kafka broker (KRaft, one node)');
  const port = await freePort();
  const started = await startWithProgress(
    new LocalhostContainer(kafkaImage)
      .withName(`${at.prefix}-kafka`)
      .withNetworkMode(at.network)
      .withNetworkAliases('kafka')
      .withLabels(nodeLabels(at.runId, at.scenario))
      .withExposedPorts({ container: 19092, host: port })
      .withEnvironment({ KAFKA_EXTERNAL_PORT: String(port) })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/)),
    s,
    'Kafka broker',
  );
  const { docker } = await dockerEngine();
  s.succeed(`Kafka up at 127.0.0.1:${port}`);
  return new KafkaBroker(new NodeHandle(`${at.prefix}-kafka`, 'kafka', started, docker), `127.0.0.1:${port}`, 'kafka:9092');
}
