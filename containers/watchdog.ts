// The run's watchdog: when the runner (vitest's main process) dies without
// cleaning up, SIGKILL included, the watchdog removes every container,
// network and volume with the run's label within seconds, instead of leaving
// them running until the next run's sweep of crashed runs.
//
// Why a detached host process and not a Ryuk-like container: it needs no
// image (no registry here, and one build less per machine), no Docker socket
// mounted into a container (what Ryuk does, and a container with the socket
// read-write is root on the host), no published port, and it sees the runner's
// death at once: it holds the read end of a pipe whose only write end is the
// runner's, and the kernel closes that when the runner dies, however it dies.
// Its parent pid changing (re-parented to init) is the second signal. It runs
// in its own session (detached), so a Ctrl-C or a kill of the runner's
// process group does not take it along. What it cannot survive is the whole
// machine or the runner's container going, and then the engine usually goes
// too; otherwise the next run's sweep of crashed runs (owner gone, see
// janitor.ts) or `npm run janitor -- --older-than` removes what is left.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepResult } from './janitor.js';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'watchdog-process.ts');
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the runner writes before a clean exit: the watchdog then leaves without sweeping. */
export const RELEASE = 'release\n';

export interface Watchdog {
  pid: number | undefined;
  /** Clean end of the run (it swept its own label): the watchdog exits without sweeping. */
  release(): void;
}

/**
 * Starts the watchdog of run `runId` (it logs to `logFile`). It neither keeps
 * this process alive nor shares its process group.
 */
export function startWatchdog(runId: string, logFile: string): Watchdog {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, runId, logFile], {
    cwd: REPO,
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: process.env,
  });
  child.unref();
  const pipe = child.stdin as Socket;
  pipe.on('error', () => undefined);
  pipe.unref();
  return {
    pid: child.pid,
    release() {
      pipe.end(RELEASE);
    },
  };
}

export interface QuietSweepOptions {
  /** Consecutive sweeps that found nothing before the watchdog leaves. */
  quietSweeps: number;
  intervalMs: number;
  /** Gives up after this long even if something keeps appearing. */
  maxMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sweeps at once, then again every `intervalMs` until `quietSweeps` sweeps in
 * a row removed nothing: a worker of the dead runner may still be creating a
 * container for a moment. Bounded by `maxMs`. Returns everything removed, and
 * the sweeps that threw (the engine busy or gone), which do not count as quiet.
 */
export async function sweepUntilQuiet(
  sweepOnce: () => Promise<SweepResult>,
  o: QuietSweepOptions,
): Promise<{ removed: SweepResult; sweeps: number; errors: string[]; quiet: boolean }> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const removed: SweepResult = { containers: [], networks: [], volumes: [] };
  const errors: string[] = [];
  const deadline = now() + o.maxMs;
  let quiet = 0;
  let sweeps = 0;
  for (;;) {
    sweeps++;
    try {
      const r = await sweepOnce();
      removed.containers.push(...r.containers);
      removed.networks.push(...r.networks);
      removed.volumes.push(...r.volumes);
      quiet = r.containers.length + r.networks.length + r.volumes.length === 0 ? quiet + 1 : 0;
    } catch (e) {
      errors.push(String((e as Error)?.message ?? e).split('\n')[0]);
      quiet = 0;
    }
    if (quiet >= o.quietSweeps) return { removed, sweeps, errors, quiet: true };
    if (now() + o.intervalMs > deadline) return { removed, sweeps, errors, quiet: false };
    await sleep(o.intervalMs);
  }
}
