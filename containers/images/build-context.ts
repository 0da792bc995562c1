import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A fresh build context: the image's own files (Dockerfile, scripts) plus
 * large folders hard-linked in from the cache (no copy of hundreds of MB).
 */
export async function assembleContext(
  into: string,
  files: { from: string; name: string }[],
  folders: { from: string; name: string }[],
): Promise<string> {
  await rm(into, { recursive: true, force: true });
  await mkdir(into, { recursive: true });
  for (const f of files) await copyFile(f.from, path.join(into, f.name));
  for (const d of folders) {
    // A folder may go below another ('dist/lib'): its parent first.
    await mkdir(path.dirname(path.join(into, d.name)), { recursive: true });
    // -l hard-links where the file system allows; fall back to a copy.
    await run('cp', ['-rl', d.from, path.join(into, d.name)]).catch(() => run('cp', ['-r', d.from, path.join(into, d.name)]));
  }
  return into;
}
