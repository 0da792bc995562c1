// `npm run janitor`: remove what the harness left on the Docker engine.
// Default: leftovers of crashed runs on this host (owner process gone, or its
// pid reused by another process). `--run <id>`: one run. `--older-than <h>`:
// anything of the harness older than that, whoever created it (a runner on
// another host or in a container that died). `--all`: every container,
// network and volume with the harness's label, running or not.
// A run's watchdog (containers/watchdog.ts) already removes a dead runner's
// resources within seconds; this is for what it could not (the machine went).
import { Command, InvalidArgumentError } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { sweep } from '../containers/janitor.js';

const hours = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--older-than takes hours > 0, got '${v}'`);
  return n;
};

const opts = new Command('janitor')
  .option('--all', 'remove every harness resource, including those of runs still going')
  .option('--run <id>', 'remove the resources of one run')
  .option('--older-than <hours>', 'remove harness resources created more than this many hours ago, on any host', hours)
  .parse()
  .opts<{ all?: boolean; run?: string; olderThan?: number }>();

try {
  const result = await sweep(
    opts.run ? { runId: opts.run } : opts.all ? { all: true } : opts.olderThan ? { olderThanMs: opts.olderThan * 3_600_000 } : { crashed: true },
  );
  process.stdout.write(
    `removed ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s)\n` +
      [...result.containers, ...result.networks, ...result.volumes].map((n) => `  ${n}\n`).join(''),
  );
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String(e)}\n`);
  process.exit(1);
}
