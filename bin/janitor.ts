// `npm run janitor`: remove what the harness left on the Docker engine.
// Default: leftovers of crashed runs (owner process gone). `--all`: every
// container, network and volume with the harness's label, running or not.
import { Command } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { sweep } from '../containers/janitor.js';

const opts = new Command('janitor')
  .option('--all', 'remove every harness resource, including those of runs still going')
  .option('--run <id>', 'remove the resources of one run')
  .parse()
  .opts<{ all?: boolean; run?: string }>();

try {
  const result = await sweep(opts.run ? { runId: opts.run } : opts.all ? { all: true } : { crashed: true });
  process.stdout.write(
    `removed ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s)\n` +
      [...result.containers, ...result.networks, ...result.volumes].map((n) => `  ${n}\n`).join(''),
  );
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String(e)}\n`);
  process.exit(1);
}
