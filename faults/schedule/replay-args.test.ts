import { describe, expect, test } from 'vitest';
import { parseReplayArgs, replayEnv, replayVitestArgs } from './replay-args.js';

describe('replay arguments', () => {
  test('suite, seed, path and replayPath become settings environment and a vitest filter', () => {
    const a = parseReplayArgs(['--suite', 'exactly-once', '--seed', '1234', '--path', '3:0:1', '--replay-path', 'CD:F']);
    expect(a).toEqual({ suite: 'exactly-once', seed: 1234, path: '3:0:1', replayPath: 'CD:F', shrink: false });
    expect(replayEnv(a)).toEqual({
      HARNESS_SCHEDULE_REPLAY_SUITE: 'exactly-once',
      HARNESS_SCHEDULE_REPLAY_SEED: '1234',
      HARNESS_SCHEDULE_REPLAY_PATH: '3:0:1',
      HARNESS_SCHEDULE_REPLAY_COMMANDS: 'CD:F',
      HARNESS_SCHEDULE_SHRINK_BUDGET_MS: '0',
    });
    const args = replayVitestArgs(a);
    expect(args.slice(0, 5)).toEqual(['vitest', 'run', '--project', 'cluster', 'scenarios/fault-schedules.test.ts']);
    expect(args[5]).toBe('-t');
    expect(new RegExp(args[6]!).test('fault schedules [exactly-once]: exactly-once sink (--exactly-once, read_committed)')).toBe(true);
    expect(new RegExp(args[6]!).test('fault schedules [at-least-once]: at-least-once sink (the playground job)')).toBe(false);
  });

  test('--shrink keeps shrinking on; a path without shrink steps needs no replayPath', () => {
    const a = parseReplayArgs(['--suite', 'at-least-once', '--seed', '7', '--path', '2', '--shrink']);
    expect(a.shrink).toBe(true);
    expect(replayEnv(a)).toEqual({ HARNESS_SCHEDULE_REPLAY_SUITE: 'at-least-once', HARNESS_SCHEDULE_REPLAY_SEED: '7', HARNESS_SCHEDULE_REPLAY_PATH: '2' });
  });

  test('--max-commands carries the failing run\'s bound on generated steps', () => {
    const a = parseReplayArgs(['--suite', 'ha-replicated-eo', '--seed', '1014', '--path', '0', '--max-commands', '3']);
    expect(a.maxCommands).toBe(3);
    expect(replayEnv(a).HARNESS_SCHEDULE_MAX_COMMANDS).toBe('3');
    // A nightly-only suite replays under the nightly tier's budgets.
    expect(replayEnv(a).HARNESS_TIER).toBe('nightly');
    const smoke = replayEnv(parseReplayArgs(['--suite', 'exactly-once', '--seed', '1', '--path', '0']));
    expect(smoke).not.toHaveProperty('HARNESS_SCHEDULE_MAX_COMMANDS');
    expect(smoke).not.toHaveProperty('HARNESS_TIER');
    expect(() => parseReplayArgs(['--suite', 'exactly-once', '--seed', '1', '--path', '0', '--max-commands', '0'])).toThrow(/positive/);
  });

  test.each([
    [['--seed', '1', '--path', '0'], /suite/],
    [['--suite', 'nope', '--seed', '1', '--path', '0'], /nope/],
    [['--suite', 'exactly-once', '--seed', 'x', '--path', '0'], /integer/],
    [['--suite', 'exactly-once', '--seed', '1', '--path', '3;1'], /colons/],
    [['--suite', 'exactly-once', '--path', '1'], /seed/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseReplayArgs(argv)).toThrow(message);
  });
});
