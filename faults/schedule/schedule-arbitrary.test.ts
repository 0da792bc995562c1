import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ScheduleCommand } from './commands/schedule-command.js';
import { isMidWindow } from './commands/timing.js';
import { describeSchedule, extractReplayPath, replayCommand } from './describe-schedule.js';
import { scheduleArbitrary, scheduleSteps, type Schedule } from './schedule-arbitrary.js';
import { scheduleStartMs } from './click-workload.js';

const sample = (arb: fc.Arbitrary<Schedule>, n = 200, seed = 42) => fc.sample(arb, { numRuns: n, seed });
const actions = (s: Schedule) => [...scheduleSteps(s)].map((c) => (c instanceof ScheduleCommand ? c.action : (c as unknown as { cmd: ScheduleCommand }).cmd.action));

describe('schedule arbitrary', () => {
  test('schedules hold 1..maxCommands generated steps and start with parallelism 1..2', () => {
    for (const s of sample(scheduleArbitrary({ maxCommands: 3 }))) {
      const n = [...s.commands].length;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(3);
      expect([1, 2]).toContain(s.start.parallelism);
      expect(s.forced).toBeUndefined();
    }
  });

  test('every kind of step is generated', () => {
    const kinds = new Set(sample(scheduleArbitrary({ maxCommands: 8 })).flatMap((s) => actions(s).map((a) => a.kind)));
    expect([...kinds].sort()).toEqual(['kill-taskmanager', 'kill-taskmanager-during', 'pause-taskmanager', 'restart-kafka', 'savepoint-resume', 'scale-taskmanagers', 'start-taskmanager', 'wait-windows']);
  });

  test('pauses are clearly shorter or clearly longer than the 5 s heartbeat timeout', () => {
    const seconds = sample(scheduleArbitrary({ maxCommands: 8 })).flatMap((s) => actions(s).flatMap((a) => (a.kind === 'pause-taskmanager' ? [a.seconds] : [])));
    expect(seconds.length).toBeGreaterThan(0);
    for (const x of seconds) expect(x <= 2 || x >= 8).toBe(true);
  });

  test('the control mix always begins by killing the TaskManager mid-window, then the generated steps', () => {
    for (const s of sample(scheduleArbitrary({ maxCommands: 3, forceKill: true }))) {
      const all = actions(s);
      expect(all.length).toBe([...s.commands].length + 1);
      expect(all[0]).toEqual(expect.objectContaining({ kind: 'kill-taskmanager', timing: 'mid-window' }));
      expect(all[0]).toBe(s.forced!.command.action);
    }
  });

  test('a forced step goes before generated step `at`, or last', () => {
    const [s] = sample(scheduleArbitrary({ maxCommands: 3 }), 1, 3);
    const n = [...s!.commands].length;
    const kill = { kind: 'kill-taskmanager', pick: 0, timing: 'now' } as const;
    for (const at of [0, 1, n, n + 5]) {
      const all = actions({ ...s!, forced: { at, command: new ScheduleCommand(kill) } });
      expect(all.indexOf(kill)).toBe(Math.min(at, n));
    }
  });

  test('the readable listing names the start, every planned step and the heal phase', () => {
    const [s] = sample(scheduleArbitrary({ maxCommands: 3, forceKill: true }), 1, 7);
    const lines = describeSchedule(s!);
    expect(lines[0]).toMatch(/^start: job p=[12] submitted via (cli|rest); 1 TaskManager x 2 slots; profile playground; 1 JobManager, 1 broker\(s\)$/);
    expect(lines.filter((l) => /^\d+\. /.test(l))).toHaveLength([...s!.commands].length + 1);
    expect(lines.some((l) => l.includes('[forced]'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^then: heal/);
  });

  test('replay commands and replayPath extraction', () => {
    expect(extractReplayPath('kill-taskmanager(pick 0),restart-kafka /*replayPath="CD:F"*/')).toBe('CD:F');
    expect(extractReplayPath('restart-kafka')).toBeUndefined();
    expect(replayCommand({ suite: 'exactly-once', seed: 12, path: '3:0:1', replayPath: 'CD:F' })).toBe(
      "npm run replay -- --suite exactly-once --seed 12 --path 3:0:1 --replay-path 'CD:F'",
    );
    expect(replayCommand({ suite: 'at-least-once', seed: 5, path: '0' })).toBe('npm run replay -- --suite at-least-once --seed 5 --path 0');
    expect(replayCommand({ suite: 'ha-replicated-alo', seed: 5, path: '0', maxCommands: 3 })).toBe('npm run replay -- --suite ha-replicated-alo --seed 5 --path 0 --max-commands 3');
  });

  test('mid-window: the open window is 50-85% filled', () => {
    expect(isMidWindow(-1)).toBe(false);
    expect(isMidWindow(15_000 * 4 + 7_000)).toBe(false);
    expect(isMidWindow(15_000 * 4 + 7_500)).toBe(true);
    expect(isMidWindow(15_000 * 4 + 12_750)).toBe(true);
    expect(isMidWindow(15_000 * 4 + 13_000)).toBe(false);
  });

  test('event time starts on a window boundary half an hour before now', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 7);
    const t = scheduleStartMs(now);
    expect(t % 15_000).toBe(0);
    expect(now - t).toBeGreaterThanOrEqual(30 * 60_000);
    expect(now - t).toBeLessThan(30 * 60_000 + 15_000);
  });

  test('the profile is generated input: drawn from the given ones, stable for a seed, kept by shrinking when the failure needs it', () => {
    const pool = ['playground', 'rocksdb-incremental', 'unaligned'];
    const drawn = new Set(sample(scheduleArbitrary({ maxCommands: 2, profiles: pool }), 60).map((s) => s.start.profile));
    expect([...drawn].sort()).toEqual([...pool].sort());
    const a = sample(scheduleArbitrary({ maxCommands: 2, profiles: pool }), 5, 11).map((s) => s.start.profile);
    const b = sample(scheduleArbitrary({ maxCommands: 2, profiles: pool }), 5, 11).map((s) => s.start.profile);
    expect(a).toEqual(b);
    // A failure that needs its profile keeps it through shrinking, while the rest of the start shrinks.
    const r = fc.check(fc.property(scheduleArbitrary({ maxCommands: 4, profiles: pool }), (s) => s.start.profile !== 'unaligned'), { seed: 3, numRuns: 200 });
    expect(r.failed).toBe(true);
    const shrunk = r.counterexample![0] as Schedule;
    expect(shrunk.start).toMatchObject({ profile: 'unaligned', parallelism: 1 });
  });
});
