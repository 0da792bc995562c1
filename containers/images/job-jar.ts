import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../config/settings.js';
import { step } from '../../config/progress.js';
import type { FlinkRelease } from '../artifacts/flink-release.js';
import { installConnectorJar } from './connector-install.js';
import { mvn } from './maven.js';

const JOB_DIR = path.join(REPO_ROOT, 'job');

export interface JobJarOptions {
  /**
   * A deliberately broken variant of the job (job/src/mutants/, Maven profile
   * `mutant`), for the calibration suite only. Without it the real job, which
   * is checked to hold no mutant class.
   */
  mutant?: string;
}

/** Classes and resources only a mutant build holds (job/src/mutants/). */
export const MUTANT_ENTRY = /(^|\/)mutants\/|^click-event-count-mutant\.properties$/;

/**
 * The Click Event Count jar for one Flink release, built with Maven from
 * job/ and cached by a hash of its sources and versions (and the mutant's name).
 */
export async function ensureJobJar(cache: string, release: FlinkRelease, options: JobJarOptions = {}): Promise<string> {
  const { mutant } = options;
  if (mutant !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(mutant)) throw new Error(`not a mutant name: '${mutant}'`);
  const hash = await sourceHash(release);
  const folder = `${release.version}-${hash}${mutant ? `-mutant-${mutant}` : ''}`;
  const jar = path.join(cache, 'jobs', folder, 'click-event-count.jar');
  if (existsSync(jar)) return jar;
  const what = mutant ? `mutant '${mutant}' of the Click Event Count job` : 'the Click Event Count job';
  const s = step(`Building ${what} for Flink ${release.version} (connector ${release.kafkaConnector}) with Maven`);
  await installConnectorJar(release, cache, s);
  await mvn(
    [
      '-q',
      'package',
      '-DskipTests',
      `-Dflink.version=${release.version}`,
      `-Dkafka.connector.version=${release.kafkaConnector}`,
      ...(mutant ? [`-Dmutant=${mutant}`] : []),
    ],
    JOB_DIR,
    s,
  );
  const built = path.join(JOB_DIR, 'target', `flink-${release.version}${mutant ? `-mutant-${mutant}` : ''}`, 'click-event-count.jar');
  // Never cache a real job that carries a mutant, nor a mutant build that does not name its mutant.
  const entries = await jarEntries(built);
  const marked = entries.filter((e) => MUTANT_ENTRY.test(e));
  if (!mutant && marked.length > 0) throw new Error(`the default job jar ${built} holds mutant entries: ${marked.slice(0, 5).join(', ')}`);
  if (mutant && !entries.includes('click-event-count-mutant.properties')) throw new Error(`the mutant build ${built} names no mutant`);
  await mkdir(path.dirname(jar), { recursive: true });
  await copyFile(built, jar);
  s.succeed(`Built ${mutant ? `mutant '${mutant}'` : 'the job jar'} for Flink ${release.version}`);
  return jar;
}

/** The entry names of a jar, as `jar tf` lists them (the JDK's own tool: Maven needs a JDK anyway). */
export async function jarEntries(jar: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('jar', ['tf', jar], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
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
