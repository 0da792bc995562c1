import ora, { type Ora } from 'ora';

// Long work (downloads, image builds, cluster start) reports progress. On a
// terminal a spinner; elsewhere (CI logs, vitest) one timestamped line per
// step, so a stalled step is visible in the log.

const interactive = process.stderr.isTTY === true && process.env.CI !== 'true';

export interface Step {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
}

const stamp = () => new Date().toISOString().slice(11, 19);

export function step(text: string): Step {
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (interactive) {
    const spinner: Ora = ora({ text, stream: process.stderr }).start();
    return {
      update: (t) => (spinner.text = `${text}: ${t}`),
      succeed: (t) => spinner.succeed(`${t ?? text} (${took()})`),
      fail: (t) => spinner.fail(`${t ?? text} (${took()})`),
    };
  }
  process.stderr.write(`[${stamp()}] ${text} ...\n`);
  let lastUpdate = 0;
  return {
    update: (t) => {
      // Throttled: a build emits hundreds of lines; CI needs a heartbeat, not all of them.
      if (Date.now() - lastUpdate < 5_000) return;
      lastUpdate = Date.now();
      process.stderr.write(`[${stamp()}]   ${text}: ${t}\n`);
    },
    succeed: (t) => process.stderr.write(`[${stamp()}] ok   ${t ?? text} (${took()})\n`),
    fail: (t) => process.stderr.write(`[${stamp()}] FAIL ${t ?? text} (${took()})\n`),
  };
}

export function info(text: string): void {
  process.stderr.write(interactive ? `${text}\n` : `[${stamp()}] ${text}\n`);
}
