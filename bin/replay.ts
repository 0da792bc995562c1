// npm run replay -- --suite <id> --seed <n> --path <p> [--max-commands <n>] [--replay-path <r>] [--shrink]
// Runs exactly one fault schedule again against a fresh cluster: the vitest
// cluster suite scenarios/fault-schedules.test.ts, only the named suite's test,
// with fast-check's seed and path (and the commands' replayPath) as printed by
// the failing run. The run report shows the replayed schedule's history.
import { spawn } from 'node:child_process';
import { CommanderError } from 'commander';
import { REPO_ROOT } from '../config/settings.js';
import { parseReplayArgs, replayEnv, replayVitestArgs, type ReplayArgs } from '../faults/schedule/replay-args.js';
import { SCHEDULE_SUITES } from '../faults/schedule/suites.js';

let args: ReplayArgs;
try {
  args = parseReplayArgs(process.argv.slice(2));
} catch (e) {
  const message = e instanceof CommanderError ? e.message : String(e);
  process.stderr.write(`${message}\n\nusage: npm run replay -- --suite <${SCHEDULE_SUITES.map((s) => s.id).join('|')}> --seed <n> --path <p> [--max-commands <n>] [--replay-path <r>] [--shrink]\n`);
  process.exit(2);
}

const env = { ...process.env, ...replayEnv(args) };
const vitest = replayVitestArgs(args);
process.stderr.write(
  `Replaying fault schedule: suite ${args.suite}, seed ${args.seed}, path ${args.path}${args.replayPath ? `, replayPath ${args.replayPath}` : ''}\n` +
    `${Object.entries(replayEnv(args)).map(([k, v]) => `${k}=${v}`).join(' ')} npx ${vitest.map((a) => (/\s|[[\]()]/.test(a) ? `'${a}'` : a)).join(' ')}\n`,
);
const child = spawn('npx', vitest, { cwd: REPO_ROOT, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
