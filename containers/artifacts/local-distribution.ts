import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../config/harness-error.js';
import { implementationVersion, manifestOf } from './connector-jar.js';

// A local Flink distribution standing in for a release (a release candidate,
// a patched build): `--flink-version dist:/path/to/flink-2.3.0` or
// `FLINK_DIST=/path/flink-2.3.0-bin-scala_2.12.tgz`, a folder or a tarball.
// Its identity is the sha256 of its content, its Flink version what its own
// flink-dist jar says (the manifest's Implementation-Version, read with the
// JDK's `jar` tool as for a local connector jar; else the jar's file name).

const run = promisify(execFile);

/** The value prefix that marks a distribution where a release is expected. */
export const DIST_PREFIX = 'dist:';

/** The folders whose files make a distribution's checksum (what the image copies; log/ and examples/ do not count). */
export const CHECKSUMMED_FOLDERS = ['bin', 'conf', 'lib', 'opt', 'plugins'] as const;

export interface LocalDistribution {
  /** What the user gave (absolute): the folder or the tarball. */
  source: string;
  /** The distribution's root folder (bin/, conf/, lib/): the source, or where the tarball was unpacked. */
  folder: string;
  /** sha256 of the tarball, or of the folder's sorted file list and contents (CHECKSUMMED_FOLDERS). */
  sha256: string;
  /** How sha256 was taken. */
  checksumOf: 'tarball' | 'folder';
  /** The Flink version the distribution carries. */
  version: string;
  /** Where the version was read. */
  versionFrom: 'manifest' | 'file name';
  /** lib/flink-dist*.jar, relative to folder. */
  distJar: string;
}

/** "dist:/x" -> "/x"; anything else -> undefined (a release number). */
export function distributionPath(flinkVersion: string): string | undefined {
  return flinkVersion.startsWith(DIST_PREFIX) ? flinkVersion.slice(DIST_PREFIX.length).trim() : undefined;
}

const isTarball = (file: string) => /\.(tgz|tar\.gz)$/.test(file);

/**
 * What a folder lacks to be a Flink distribution: `lib/flink-dist*.jar` (the
 * runtime), `bin/` with `bin/flink` (the CLI the scenarios drive) and `conf/`
 * (the image writes its configuration there). Empty when it is one.
 */
export async function missingParts(folder: string): Promise<string[]> {
  const missing: string[] = [];
  if (!(await distJarOf(folder))) missing.push('lib/flink-dist*.jar');
  if (!isDir(path.join(folder, 'bin'))) missing.push('bin/');
  else if (!existsSync(path.join(folder, 'bin', 'flink'))) missing.push('bin/flink');
  if (!isDir(path.join(folder, 'conf'))) missing.push('conf/');
  return missing;
}

/** "flink-dist-2.3.0.jar" -> "2.3.0", "flink-dist_2.12-1.14.6.jar" -> "1.14.6" (the Scala suffix of old releases skipped). */
export function versionFromDistJarName(name: string): string | undefined {
  return /^flink-dist(?:_\d+\.\d+)?-(\d+\.\d+[^/]*?)\.jar$/.exec(name)?.[1];
}

/**
 * Reads (and for a tarball unpacks into `<cache>/flink-dist/local-<sha>`) a
 * local distribution; a path that is not one is a HarnessError naming what is missing.
 */
export async function inspectLocalDistribution(given: string, cache: string): Promise<LocalDistribution> {
  const source = path.resolve(given.replace(/^~(?=\/)/, os.homedir()));
  const fix = 'Give the root folder of a Flink binary distribution (the one holding bin/, conf/, lib/), or its .tgz, e.g. --flink-version dist:/path/to/flink-2.3.0.';
  if (!existsSync(source)) throw new HarnessError(`Flink distribution ${source}: no such file or folder.`, fix);
  let folder: string;
  let sha256: string;
  let checksumOf: LocalDistribution['checksumOf'];
  if (isDir(source)) {
    folder = source;
    await requireLayout(folder, source, fix);
    sha256 = await folderChecksum(folder);
    checksumOf = 'folder';
  } else if (isTarball(source)) {
    sha256 = await fileChecksum(source);
    checksumOf = 'tarball';
    folder = await unpackOnce(source, sha256, cache);
    await requireLayout(folder, source, fix);
  } else {
    throw new HarnessError(`Flink distribution ${source} is neither a folder nor a .tgz/.tar.gz.`, fix);
  }
  const distJar = (await distJarOf(folder))!;
  const fromManifest = implementationVersion(await manifestOf(path.join(folder, distJar)).catch(() => ''));
  const version = fromManifest ?? versionFromDistJarName(path.basename(distJar));
  if (!version) {
    throw new HarnessError(
      `Flink distribution ${source}: ${distJar} names no Flink version (no Implementation-Version in its manifest, none in its file name).`,
      'Build the distribution with Maven (its flink-dist jar then carries the version), or name the jar flink-dist-<version>.jar.',
    );
  }
  return { source, folder, sha256, checksumOf, version, versionFrom: fromManifest ? 'manifest' : 'file name', distJar };
}

async function requireLayout(folder: string, source: string, fix: string): Promise<void> {
  const missing = await missingParts(folder);
  if (missing.length > 0) {
    throw new HarnessError(`${source} is not a Flink distribution: it has no ${missing.join(', no ')}${folder !== source ? ` (unpacked to ${folder})` : ''}.`, fix);
  }
}

async function distJarOf(folder: string): Promise<string | undefined> {
  const lib = path.join(folder, 'lib');
  if (!isDir(lib)) return undefined;
  const jar = (await readdir(lib)).filter((f) => /^flink-dist.*\.jar$/.test(f)).sort()[0];
  return jar === undefined ? undefined : path.join('lib', jar);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function fileChecksum(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * sha256 over the sorted relative paths, modes' executable bit and contents of
 * every file under CHECKSUMMED_FOLDERS: the same bytes give the same sum
 * wherever the folder sits; one changed byte in a jar gives another.
 */
export async function folderChecksum(folder: string): Promise<string> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(path.join(folder, rel))).sort()) {
      const r = path.posix.join(rel, name);
      const st = statSync(path.join(folder, r));
      if (st.isDirectory()) await walk(r);
      else if (st.isFile()) files.push(r);
    }
  };
  for (const top of CHECKSUMMED_FOLDERS) if (isDir(path.join(folder, top))) await walk(top);
  const hash = createHash('sha256');
  for (const f of files) {
    const exec = (statSync(path.join(folder, f)).mode & 0o111) !== 0;
    hash.update(`${f}\0${exec ? 'x' : '-'}\0${await fileChecksum(path.join(folder, f))}\n`);
  }
  return hash.digest('hex');
}

/** Unpacks a tarball once per checksum; the distribution's root is the folder that holds lib/. */
async function unpackOnce(tarball: string, sha256: string, cache: string): Promise<string> {
  const into = path.join(cache, 'flink-dist', `local-${sha256.slice(0, 16)}`);
  if (!existsSync(path.join(into, '.complete'))) {
    const scratch = `${into}.extract`;
    await rm(scratch, { recursive: true, force: true });
    await rm(into, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    try {
      await run('tar', ['-xzf', tarball, '-C', scratch], { maxBuffer: 1 << 26 });
    } catch (e) {
      await rm(scratch, { recursive: true, force: true });
      throw new HarnessError(`Flink distribution ${tarball} could not be unpacked: ${String((e as { stderr?: string }).stderr || (e as Error).message).trim()}`, 'Give a gzip-compressed tarball of a Flink distribution (flink-<version>-bin-scala_2.12.tgz) or its unpacked folder.');
    }
    await rename(scratch, into);
    await writeFile(path.join(into, '.complete'), sha256);
  }
  // A release tarball holds one top folder (flink-2.3.0/); a tarball of the contents has lib/ at its root.
  if (isDir(path.join(into, 'lib'))) return into;
  const tops = (await readdir(into)).filter((f) => isDir(path.join(into, f)));
  return tops.length === 1 ? path.join(into, tops[0]!) : into;
}
