import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../config/harness-error.js';
import { step } from '../../config/progress.js';
import { dockerEngine } from '../engine.js';
import { imageExists } from './image-builder.js';

const run = promisify(execFile);

export const PUBLIC_BASE = 'debian:bookworm-slim';
export const LOCAL_BASE = 'flink-harness/debian-base:bookworm';

/**
 * The base image every harness image builds on. `setting` is an image name, or
 * 'auto': the public Debian image if present or pullable, else one made here
 * from Debian's packages (debootstrap + docker import), for machines without
 * a container registry.
 */
export async function ensureBaseImage(setting: string): Promise<string> {
  if (setting !== 'auto') {
    if (await imageExists(setting)) return setting;
    if (await tryPull(setting)) return setting;
    throw new HarnessError(
      `Base image '${setting}' (HARNESS_BASE_IMAGE) is neither on the engine nor pullable.`,
      `Pull or build it first, or set HARNESS_BASE_IMAGE=auto to bootstrap a Debian base locally.`,
    );
  }
  for (const candidate of [PUBLIC_BASE, LOCAL_BASE]) if (await imageExists(candidate)) return candidate;
  if (await tryPull(PUBLIC_BASE)) return PUBLIC_BASE;
  await bootstrapDebian(LOCAL_BASE);
  return LOCAL_BASE;
}

async function tryPull(image: string): Promise<boolean> {
  const { docker } = await dockerEngine();
  const s = step(`Pulling ${image}`);
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
    );
    s.succeed(`Pulled ${image}`);
    return true;
  } catch (e) {
    s.fail(`No registry serves ${image} here (${String((e as Error).message).split('\n')[0]}); falling back`);
    return false;
  }
}

async function bootstrapDebian(tag: string): Promise<void> {
  const mirror = process.env.HARNESS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const which = await run('sh', ['-c', 'command -v debootstrap']).catch(() => undefined);
  if (!which) {
    throw new HarnessError(
      'No base image: no registry is reachable and debootstrap is not installed.',
      'Install it (`apt-get install -y debootstrap`, as root), or set HARNESS_BASE_IMAGE to a Debian image you have.',
    );
  }
  const s = step(`Bootstrapping a Debian base image ${tag} from ${mirror} (debootstrap, about 30 s)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'harness-rootfs-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror], { maxBuffer: 1 << 26 });
    // tar | docker import, through the engine API (no docker CLI needed).
    const { docker } = await dockerEngine();
    const { spawn } = await import('node:child_process');
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, t] = tag.split(':');
    const out = (await docker.importImage(tar.stdout, { repo, tag: t } as never)) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(out, (err) => (err ? reject(err) : resolve())));
    s.succeed(`Bootstrapped base image ${tag}`);
  } catch (e) {
    s.fail();
    throw new HarnessError(
      `Bootstrapping the Debian base image failed: ${(e as Error).message}`,
      'debootstrap needs root and Debian\'s mirror (set HARNESS_DEBIAN_MIRROR); or set HARNESS_BASE_IMAGE to an image you have.',
      { cause: e },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
