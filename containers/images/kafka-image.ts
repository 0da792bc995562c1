import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { step } from '../../config/progress.js';
import { assembleContext } from './build-context.js';
import { buildImage } from './image-builder.js';
import { mvn } from './maven.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The Kafka broker image, from the broker's jars on Maven Central. */
export async function ensureKafkaImage(cache: string, version: string, baseImage: string): Promise<string> {
  // Keyed by the pom too: a dependency added there must be resolved, not served from an older folder.
  const pom = createHash('sha256').update(readFileSync(path.join(here, 'kafka', 'pom.xml'))).digest('hex').slice(0, 12);
  const libs = path.join(cache, 'kafka-libs', `${version}-${pom}`);
  if (!existsSync(path.join(libs, '.complete'))) {
    const s = step(`Resolving the Kafka ${version} broker's jars from Maven Central`);
    await mvn(
      ['-q', '-f', path.join(here, 'kafka', 'pom.xml'), 'dependency:copy-dependencies', `-Dkafka.version=${version}`,
        `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
      here,
      s,
    );
    await writeFile(path.join(libs, '.complete'), version);
    s.succeed(`Resolved the Kafka ${version} broker's jars`);
  }
  const context = await assembleContext(
    path.join(cache, 'contexts', `kafka-${version}`),
    ['Dockerfile', 'kafka-entrypoint.sh', 'log4j2.properties'].map((name) => ({ from: path.join(here, 'kafka', name), name })),
    [{ from: libs, name: 'libs' }],
  );
  return buildImage({
    repository: 'flink-harness/kafka',
    flavour: version,
    context,
    buildArgs: { BASE_IMAGE: baseImage },
    what: `Kafka ${version} (KRaft) from Maven Central, Java 17 from Debian`,
  });
}
