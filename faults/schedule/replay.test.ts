import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { jobExpectation, transition, type Action, type ScheduleModel } from './model.js';
import type { ScheduleReal } from './real.js';

// Replay end to end, without a cluster: the step runners are replaced by
// model-only transitions, and a property fails when a schedule starves the
// job. The failure is shrunk; seed + path + replayPath must then give back
// exactly the shrunk schedule, as `npm run replay` does against a cluster.

const modelOnly = async (m: ScheduleModel, r: ScheduleReal, a: Action) => {
  r.steps.push({ index: r.steps.length + 1, action: a, startedAt: 0 });
  Object.assign(m, transition(m, a, a.kind === 'savepoint-resume' ? `sp-${m.steps}` : undefined));
};
const runners: Record<string, string> = {
  'kill-taskmanager': 'runKillTaskManager',
  'start-taskmanager': 'runStartTaskManager',
  'scale-taskmanagers': 'runScaleTaskManagers',
  'savepoint-resume': 'runSavepointResume',
  'pause-taskmanager': 'runPauseTaskManager',
  'restart-kafka': 'runRestartKafka',
  'wait-windows': 'runWaitWindows',
};
for (const [file, name] of Object.entries(runners)) vi.doMock(`./commands/${file}.js`, () => ({ [name]: modelOnly, GENERATOR_SPEEDUP: 3 }));

const { scheduleArbitrary, scheduleSteps } = await import('./schedule-arbitrary.js');
const { PathTracker } = await import('./fast-check-path.js');
const { initialModel } = await import('./model.js');
const { extractReplayPath, describeSchedule } = await import('./describe-schedule.js');
type Schedule = import('./schedule-arbitrary.js').Schedule;

async function runModelOnly(s: Schedule): Promise<{ starved: boolean; ran: string[] }> {
  const model = initialModel({ taskManagers: 1, slotsPerTaskManager: 2, parallelism: s.start.parallelism });
  const real = { steps: [] } as unknown as ScheduleReal;
  let starved = false;
  await fc.asyncModelRun(() => ({ model, real }), [...scheduleSteps(s)].map((c) => ({
    check: (m: Readonly<ScheduleModel>) => c.check(m),
    run: async (m: ScheduleModel, r: ScheduleReal) => {
      await c.run(m, r);
      if (jobExpectation(m) === 'starved') starved = true;
    },
    toString: () => String(c),
  })));
  return { starved, ran: real.steps.map((x) => x.action.kind) };
}

describe('replaying a shrunk schedule', () => {
  test('seed + path + replayPath give back the shrunk counterexample, which fails again', async () => {
    const seed = 20261125;
    const tracker = new PathTracker();
    const byPath = new Map<string, string>();
    const prop = (arb: fc.Arbitrary<Schedule>, t: InstanceType<typeof PathTracker>, record: Map<string, string>) =>
      fc.asyncProperty(arb, async (s) => {
        const p = t.next();
        const { starved } = await runModelOnly(s);
        record.set(p, String(s.commands));
        if (starved) {
          t.failed();
          throw new Error('the job was starved');
        }
      });
    const d = await fc.check(prop(scheduleArbitrary({ maxCommands: 8 }), tracker, byPath), { seed, numRuns: 100 });
    expect(d.failed).toBe(true);
    expect(String(d.errorInstance)).toContain('the job was starved');
    expect(d.numShrinks).toBeGreaterThan(0);
    const shrunk = d.counterexample![0] as Schedule;
    const printed = String(shrunk.commands);
    const replayPath = extractReplayPath(printed);
    expect(replayPath).toBeDefined();
    expect(tracker.current.length).toBeGreaterThan(0);
    expect(describeSchedule(shrunk).length).toBeGreaterThan(2);

    // The replay: same seed and path, commands told which of them ran.
    const again = new Map<string, string>();
    const d2 = await fc.check(prop(scheduleArbitrary({ maxCommands: 8, replayPath }), new PathTracker(d.counterexamplePath!), again), {
      seed,
      path: d.counterexamplePath!,
      endOnFailure: true,
    });
    expect(d2.failed, String(d2.errorInstance)).toBe(true);
    expect(String(d2.errorInstance)).toContain("the job was starved");
    expect(d2.counterexamplePath).toBe(d.counterexamplePath);
    expect(again.size).toBe(1);
    expect([...again.keys()]).toEqual([d.counterexamplePath]);
    expect(String((d2.counterexample![0] as Schedule).commands).replace(/ \/\*.*\*\/$/, '')).toBe(printed.replace(/ \/\*.*\*\/$/, ''));
    expect((d2.counterexample![0] as Schedule).start).toEqual(shrunk.start);
  });
});
