import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../config/harness-error.js';
import { downloadOnce } from './download.js';
import { pickDistributionFile, pypiFiles } from './pypi.js';

const run = promisify(execFile);

/**
 * The official Flink binary distribution (bin/, conf/, lib/, opt/, plugins/)
 * for one release, assembled from PyPI's two packages into
 * `<cache>/flink-dist/<version>/`. Returns that folder.
 */
export async function ensureFlinkDistribution(cache: string, version: string): Promise<string> {
  const dist = path.join(cache, 'flink-dist', version);
  if (existsSync(path.join(dist, '.complete'))) return dist;
  await rm(dist, { recursive: true, force: true });
  const scratch = path.join(cache, 'flink-dist', `${version}.extract`);
  await rm(scratch, { recursive: true, force: true });

  for (const project of ['apache-flink-libraries', 'apache-flink']) {
    const files = await pypiFiles(project, version);
    const file = files && pickDistributionFile(files);
    if (!file) {
      throw new HarnessError(
        `PyPI has no ${project} ${version}, needed for the Flink ${version} distribution.`,
        `Set FLINK_VERSION to a release published on PyPI (https://pypi.org/project/${project}/#history).`,
      );
    }
    const archive = await downloadOnce(file.url, path.join(cache, 'pypi', file.filename), `${project} ${version}`, file.sha256);
    const into = path.join(scratch, project);
    await mkdir(into, { recursive: true });
    await extract(archive, into);
  }

  // Wheels keep the distribution under pyflink/, sdists of the libraries under deps/.
  const libRoot = await findRoot(scratch, (d) => existsSync(path.join(d, 'lib', `flink-dist-${version}.jar`)));
  const scriptRoot = await findRoot(scratch, (d) => existsSync(path.join(d, 'bin', 'flink')) && existsSync(path.join(d, 'conf')));
  if (!libRoot || !scriptRoot) {
    throw new HarnessError(
      `The PyPI packages of Flink ${version} do not have the expected layout (lib/flink-dist-${version}.jar, bin/flink, conf/).`,
      'Report this with the Flink version; as a workaround pick another FLINK_VERSION.',
    );
  }
  await mkdir(dist, { recursive: true });
  for (const part of ['lib', 'opt', 'plugins']) {
    if (existsSync(path.join(libRoot, part))) await cp(path.join(libRoot, part), path.join(dist, part), { recursive: true });
  }
  await cp(path.join(scriptRoot, 'bin'), path.join(dist, 'bin'), { recursive: true });
  await cp(path.join(scriptRoot, 'conf'), path.join(dist, 'conf'), { recursive: true });
  // bash-java-utils.jar ships with the libraries, the scripts with apache-flink.
  await cp(path.join(libRoot, 'bin'), path.join(dist, 'bin'), { recursive: true });
  // Python support is not part of what we test; its jar is the largest in opt/.
  for (const f of await readdir(path.join(dist, 'opt')).catch(() => [])) {
    if (f.startsWith('flink-python')) await rm(path.join(dist, 'opt', f));
  }
  await run('chmod', ['-R', 'a+rX', dist]);
  await run('sh', ['-c', `chmod a+x "${dist}"/bin/*`]);
  await rm(scratch, { recursive: true, force: true });
  await writeMarker(dist);
  return dist;
}

async function extract(archive: string, into: string): Promise<void> {
  if (archive.endsWith('.tar.gz')) {
    await run('tar', ['-xzf', archive, '-C', into], { maxBuffer: 1 << 26 });
  } else {
    // A wheel is a zip; python3 is on every machine that runs pip, unzip is not.
    await run('python3', ['-m', 'zipfile', '-e', archive, into], { maxBuffer: 1 << 26 });
  }
}

async function findRoot(dir: string, isRoot: (d: string) => boolean, depth = 4): Promise<string | undefined> {
  if (isRoot(dir)) return dir;
  if (depth === 0) return undefined;
  for (const entry of await readdir(dir)) {
    const child = path.join(dir, entry);
    if ((await stat(child)).isDirectory()) {
      const found = await findRoot(child, isRoot, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

async function writeMarker(dist: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  // Deterministic content: the marker is part of the image's build context and its hash.
  await writeFile(path.join(dist, '.complete'), path.basename(dist));
}
