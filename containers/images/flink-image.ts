import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlinkRelease } from '../artifacts/flink-release.js';
import { ensureFlinkDistribution } from '../artifacts/flink-distribution.js';
import { CHECKSUMMED_FOLDERS } from '../artifacts/local-distribution.js';
import { assembleContext } from './build-context.js';
import { buildImage } from './image-builder.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const IMAGE_FILES = [
  { from: path.join(here, 'flink', 'Dockerfile'), name: 'Dockerfile' },
  { from: path.join(here, 'flink', 'docker-entrypoint.sh'), name: 'docker-entrypoint.sh' },
];

/**
 * The Flink image (JobManager, TaskManager, CLI client) for one release: from
 * PyPI's packages, or from the local distribution that stands in for it.
 */
export async function ensureFlinkImage(cache: string, release: FlinkRelease, baseImage: string): Promise<string> {
  const { version, distribution } = release;
  if (!distribution) {
    const dist = await ensureFlinkDistribution(cache, version);
    const context = await assembleContext(path.join(cache, 'contexts', `flink-${version}`), IMAGE_FILES, [{ from: dist, name: 'dist' }]);
    return buildImage({
      repository: 'flink-harness/flink',
      flavour: version,
      context,
      buildArgs: { BASE_IMAGE: baseImage },
      what: `Flink ${version} from the official distribution on PyPI, Java 17 from Debian`,
    });
  }
  // Tagged by the distribution's own checksum: the image fingerprint reads large jars by size
  // only, and a patched flink-dist jar may have the size of the one it replaces.
  const id = `${version}-dist-${distribution.sha256.slice(0, 12)}`;
  const context = await assembleContext(
    path.join(cache, 'contexts', `flink-${id}`),
    IMAGE_FILES,
    // What the image runs and the checksum covers; a build tree's log/ or examples/ stays out.
    CHECKSUMMED_FOLDERS.map((f) => ({ from: path.join(distribution.folder, f), name: path.join('dist', f) })).filter((f) => existsSync(f.from)),
  );
  return buildImage({
    repository: 'flink-harness/flink',
    flavour: id,
    context,
    buildArgs: { BASE_IMAGE: baseImage, DIST_SHA256: distribution.sha256 },
    what: `Flink ${version} from the local distribution ${distribution.source}, Java 17 from Debian`,
  });
}
