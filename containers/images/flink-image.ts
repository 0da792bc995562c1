import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFlinkDistribution } from '../artifacts/flink-distribution.js';
import { assembleContext } from './build-context.js';
import { buildImage } from './image-builder.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The Flink image (JobManager, TaskManager, CLI client) for one release. */
export async function ensureFlinkImage(cache: string, version: string, baseImage: string): Promise<string> {
  const dist = await ensureFlinkDistribution(cache, version);
  const context = await assembleContext(
    path.join(cache, 'contexts', `flink-${version}`),
    [
      { from: path.join(here, 'flink', 'Dockerfile'), name: 'Dockerfile' },
      { from: path.join(here, 'flink', 'docker-entrypoint.sh'), name: 'docker-entrypoint.sh' },
    ],
    [{ from: dist, name: 'dist' }],
  );
  return buildImage({
    repository: 'flink-harness/flink',
    flavour: version,
    context,
    buildArgs: { BASE_IMAGE: baseImage },
    what: `Flink ${version} from the official distribution on PyPI, Java 17 from Debian`,
  });
}
