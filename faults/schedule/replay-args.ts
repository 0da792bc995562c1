// `npm run replay -- --suite S --seed N --path P [--replay-path R]`: which
// schedule to run again, as environment for the settings and vitest arguments.
import { Command, InvalidArgumentError, Option } from 'commander';
import { SCHEDULE_SUITES, suiteById, suiteTestName } from './suites.js';

export interface ReplayArgs {
  suite: string;
  seed: number;
  path: string;
  replayPath?: string;
  /** Generated steps at most, as the failing run had them (the arbitrary, so the schedule, depends on it). */
  maxCommands?: number;
  /** Shrink again from the replayed schedule (default: run it once). */
  shrink: boolean;
}

const PATH = /^\d+(:\d+)*$/;

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const program = new Command('replay')
    .description('Replays one fault schedule against a fresh cluster (seed and path as the failing run printed them).')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .addOption(new Option('--suite <id>', 'which property').choices(SCHEDULE_SUITES.map((s) => s.id)).makeOptionMandatory())
    .requiredOption('--seed <n>', 'fast-check seed', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError('an integer');
      return n;
    })
    .requiredOption('--path <p>', 'fast-check path, e.g. 3 or 3:0:1', (v) => {
      if (!PATH.test(v)) throw new InvalidArgumentError('digits separated by colons, e.g. 3:0:1');
      return v;
    })
    .option('--replay-path <r>', "the commands' replayPath fast-check printed (needed when the path has shrink steps)")
    .option('--max-commands <n>', 'HARNESS_SCHEDULE_MAX_COMMANDS of the run that printed the seed (default: the tier\'s)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
      return n;
    })
    .option('--shrink', 'shrink again from this schedule', false);
  program.parse([...argv], { from: 'user' });
  const o = program.opts<{ suite: string; seed: number; path: string; replayPath?: string; maxCommands?: number; shrink: boolean }>();
  return { suite: o.suite, seed: o.seed, path: o.path, replayPath: o.replayPath, ...(o.maxCommands !== undefined ? { maxCommands: o.maxCommands } : {}), shrink: o.shrink };
}

/** Environment that makes the settings replay this schedule. */
export function replayEnv(a: ReplayArgs): Record<string, string> {
  const env: Record<string, string> = {
    HARNESS_SCHEDULE_REPLAY_SUITE: a.suite,
    HARNESS_SCHEDULE_REPLAY_SEED: String(a.seed),
    HARNESS_SCHEDULE_REPLAY_PATH: a.path,
  };
  if (a.replayPath) env.HARNESS_SCHEDULE_REPLAY_COMMANDS = a.replayPath;
  if (a.maxCommands !== undefined) env.HARNESS_SCHEDULE_MAX_COMMANDS = String(a.maxCommands);
  // A nightly-only suite (the HA ones) replays under the nightly tier's budgets, as it ran.
  if (suiteById(a.suite)?.nightlyOnly) env.HARNESS_TIER = 'nightly';
  if (!a.shrink) env.HARNESS_SCHEDULE_SHRINK_BUDGET_MS = '0';
  return env;
}

/** vitest arguments that run only the replayed suite's test. */
export function replayVitestArgs(a: ReplayArgs): string[] {
  const suite = suiteById(a.suite);
  if (!suite) throw new Error(`unknown suite ${a.suite}`);
  return ['vitest', 'run', '--project', 'cluster', 'scenarios/fault-schedules.test.ts', '-t', escapeRegExp(suiteTestName(suite))];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
