import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../config/settings.js';
import { step } from '../../config/progress.js';
import type { FlinkRelease } from '../artifacts/flink-release.js';
import { mvn } from './maven.js';

const JOB_DIR = path.join(REPO_ROOT, 'job');

/**
 * The Click Event Count jar for one Flink release, built with Maven from
 * job/ and cached by a hash of its sources and versions.
 */
export async function ensureJobJar(cache: string, release: FlinkRelease): Promise<string> {
  const hash = await sourceHash(release);
  const jar = path.join(cache, 'jobs', `${release.version}-${hash}`, 'click-event-count.jar');
  if (existsSync(jar)) return jar;
  const s = step(`Building the Click Event Count job for Flink ${release.version} (connector ${release.kafkaConnector}) with Maven`);
  await mvn(
    ['-q', 'package', '-DskipTests', `-Dflink.version=${release.version}`, `-Dkafka.connector.version=${release.kafkaConnector}`],
    JOB_DIR,
    s,
  );
  await mkdir(path.dirname(jar), { recursive: true });
  await copyFile(path.join(JOB_DIR, 'target', `flink-${release.version}`, 'click-event-count.jar'), jar);
  s.succeed(`Built the job jar for Flink ${release.version}`);
  return jar;
}

async function sourceHash(release: FlinkRelease): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${release.version}|${release.kafkaConnector}`);
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = path.join(d, name);
      if (name === 'target') continue;
      if (statSync(p).isDirectory()) await walk(p);
      else hash.update(`${path.relative(JOB_DIR, p)}\0`).update(await readFile(p));
    }
  };
  await walk(JOB_DIR);
  return hash.digest('hex').slice(0, 12);
}
