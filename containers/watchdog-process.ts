// The watchdog process (started by containers/watchdog.ts, detached): waits
// for the runner to go, then sweeps the run's label. Arguments: run id, log file.
import { appendFileSync } from 'node:fs';
import { RELEASE, sweepUntilQuiet } from './watchdog.js';

const [runId, logFile] = process.argv.slice(2);
const parent = process.ppid;
const log = (line: string) => {
  try {
    appendFileSync(logFile, `${new Date().toISOString()} watchdog ${process.pid}: ${line}\n`);
  } catch {
    // the run folder is gone: nothing to tell
  }
};
if (!runId) process.exit(2);

// Load the engine client now, not after the runner died.
const janitor = import('./janitor.js');
janitor.then((j) => import('./engine.js').then((e) => e.dockerEngine()).then(() => j)).catch((e) => log(`engine not ready yet: ${String(e?.message ?? e)}`));

let received = '';
let handled = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => (received += d));
process.stdin.on('end', () => void runnerGone('its pipe closed'));
process.stdin.on('error', () => void runnerGone('its pipe broke'));
// Second signal: re-parented (the runner is gone even if something else holds the pipe).
const poll = setInterval(() => process.ppid !== parent && void runnerGone(`parent ${parent} gone`), 1_000);
log(`watching runner ${parent} of run ${runId}`);

async function runnerGone(why: string): Promise<void> {
  if (handled) return;
  handled = true;
  clearInterval(poll);
  if (received.includes(RELEASE)) {
    log('released: the run cleaned up after itself');
    process.exit(0);
  }
  const t0 = Date.now();
  log(`runner gone (${why}): sweeping run ${runId}`);
  const { sweep } = await janitor;
  const r = await sweepUntilQuiet(() => sweep({ runId }), { quietSweeps: 2, intervalMs: 1_000, maxMs: 60_000 });
  log(
    `removed ${r.removed.containers.length} container(s), ${r.removed.networks.length} network(s), ${r.removed.volumes.length} volume(s) ` +
      `in ${Date.now() - t0} ms, ${r.sweeps} sweep(s)${r.quiet ? '' : ', NOT quiet'}${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}: ` +
      [...r.removed.containers, ...r.removed.networks, ...r.removed.volumes].join(' '),
  );
  process.exit(0);
}
