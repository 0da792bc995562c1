import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleContext } from './build-context.js';
import { buildImage } from './image-builder.js';
import { resolveMavenClasspath } from './maven-classpath.js';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'zookeeper');

/** The ZooKeeper release the image runs (3.8: Flink's shaded client is 3.7/3.8). */
export const ZOOKEEPER_VERSION = '3.8.4';

const IMAGE_FILES = ['Dockerfile', 'zookeeper-entrypoint.sh', 'zk-cli.sh', 'logback.xml', 'logback-cli.xml'];

/** The ZooKeeper image (JobManager HA), from the server's jars on Maven Central. */
export async function ensureZooKeeperImage(cache: string, baseImage: string, version = ZOOKEEPER_VERSION): Promise<string> {
  const libs = await resolveMavenClasspath(cache, {
    name: 'zookeeper', pomDir: here, versionProperty: 'zookeeper.version', version, label: `ZooKeeper ${version}`,
  });
  const context = await assembleContext(
    path.join(cache, 'contexts', `zookeeper-${version}`),
    IMAGE_FILES.map((name) => ({ from: path.join(here, name), name })),
    [{ from: libs, name: 'libs' }],
  );
  return buildImage({
    repository: 'flink-harness/zookeeper',
    flavour: version,
    context,
    buildArgs: { BASE_IMAGE: baseImage },
    what: `ZooKeeper ${version} from Maven Central, Java 17 from Debian`,
  });
}
