import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../../config/harness-error.js';
import { step } from '../../config/progress.js';
import { dockerEngine } from '../engine.js';
import { LABEL_HARNESS } from '../labels.js';

/**
 * Builds images through the engine API and fails loudly with the build's own
 * log (testcontainers' fromDockerfile only logs build errors and hands back a
 * stale image of the same tag).
 */
export interface ImageSpec {
  /** Repository part of the tag, e.g. flink-harness/flink */
  repository: string;
  /** Human-readable part of the tag, e.g. the Flink version */
  flavour: string;
  /** Build context folder (Dockerfile at its root) */
  context: string;
  buildArgs?: Record<string, string>;
  /** What the build is, for progress lines */
  what: string;
}

/** Tag = flavour + hash of every input (context files and build args): a rerun reuses it. */
export async function buildImage(spec: ImageSpec): Promise<string> {
  const fingerprint = await fingerprintContext(spec.context, spec.buildArgs ?? {});
  const tag = `${spec.repository}:${spec.flavour}-${fingerprint.slice(0, 12)}`;
  const { docker } = await dockerEngine();
  if (await imageExists(tag)) return tag;

  const s = step(`Building image ${tag} (${spec.what})`);
  const log: string[] = [];
  const entries = await readdir(spec.context);
  const stream = await docker.buildImage(
    { context: spec.context, src: entries },
    { t: tag, buildargs: spec.buildArgs, labels: { [LABEL_HARNESS]: 'true' }, rm: true, forcerm: true },
  );
  const error = await new Promise<string | undefined>((resolve) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err) => resolve(failure ?? (err ? String(err.message ?? err) : undefined)),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const line = (event.stream ?? '').trimEnd();
        if (line) {
          log.push(...line.split('\n'));
          if (line.startsWith('Step ')) s.update(line.slice(0, 100));
        }
      },
    );
  });
  if (error || !(await imageExists(tag))) {
    s.fail();
    throw new HarnessError(
      `Building image ${tag} failed: ${error ?? 'the engine reported no image'}\n--- last lines of the build ---\n${log.slice(-25).join('\n')}`,
      'Fix the cause shown in the build log above and rerun; nothing was tagged, so no stale image will be used.',
    );
  }
  s.succeed(`Built image ${tag}`);
  return tag;
}

export async function imageExists(tag: string): Promise<boolean> {
  const { docker } = await dockerEngine();
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** sha256 over paths, sizes and contents of small files (large jars: path and size; they come from versioned, immutable caches). */
async function fingerprintContext(dir: string, args: Record<string, string>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(Object.entries(args).sort()));
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = path.join(d, name);
      const st = await stat(p);
      if (st.isDirectory()) {
        await walk(p);
        continue;
      }
      hash.update(`${path.relative(dir, p)}\0${st.size}\0`);
      hash.update(st.size < 1_000_000 ? await readFile(p) : String(st.size));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}
