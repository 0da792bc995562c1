// One schedule against one fresh cluster: submit the job, start the
// generator, run the generated steps (model beside real), heal, let the
// generator finish its input and the output settle. The caller judges.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { JobSpec } from '../../config/job-spec.js';
import { waitFor } from '../../containers/wait.js';
import { WINDOW_MS } from '../../history/types.js';
import type { ClickGenerator, GeneratorOptions } from '../../workload/click-generator.js';
import { profileNamed } from '../../containers/profiles/profile.js';
import { submitJob } from '../job-operations.js';
import { expectClusterMatchesModel } from './checks.js';
import { realEnvironment } from './commands/schedule-command.js';
import { GENERATOR_SPEEDUP } from './commands/wait-windows.js';
import { heal } from './heal.js';
import { describeTopology, initialModel, type ScheduleEnvironment, type ScheduleModel } from './model.js';
import { bound, type ScheduleReal, type ScheduleWorld } from './real.js';
import { scheduleSteps, SLOTS_PER_TASK_MANAGER, START_TASK_MANAGERS, type Schedule } from './schedule-arbitrary.js';

export interface ScheduleRunWorld extends ScheduleWorld {
  generator(options?: Partial<GeneratorOptions>): ClickGenerator;
}

/**
 * Event time of the first click: a window boundary 30 minutes before now.
 * Output records carry event-time timestamps; near the wall clock, the
 * broker's retention (7 days by record timestamp) never deletes them during a
 * run, and 3x speed keeps them well below an hour into the future.
 */
export const scheduleStartMs = (now = Date.now()): number => Math.floor((now - 30 * 60_000) / WINDOW_MS) * WINDOW_MS;

export async function runSchedule(
  world: ScheduleRunWorld,
  spec: JobSpec,
  schedule: Schedule,
  deadline: number,
  /** Receives the real system as soon as it exists, so a failing run still reports its steps. */
  onReal: (r: ScheduleReal, m: ScheduleModel) => void,
): Promise<{ real: ScheduleReal; model: ScheduleModel }> {
  // The scheduler is the drawn profile's: the model predicts the job's parallelism by it.
  const environment: ScheduleEnvironment = {
    topology: schedule.start.topology,
    exactlyOnceSink: spec.exactlyOnce === true,
    scheduler: profileNamed(schedule.start.profile).scheduler,
    checkpointing: spec.checkpointing !== false,
  };
  const built = realEnvironment(world.cluster.topology, spec).topology;
  // The model's preconditions read the schedule's topology: the cluster must be exactly that shape.
  if (describeTopology(built) !== describeTopology(environment.topology)) {
    throw new Error(`the schedule asks for ${describeTopology(environment.topology)}; the cluster was built as ${describeTopology(built)}`);
  }
  const submitted = await submitJob(world, spec, { via: schedule.start.via, parallelism: schedule.start.parallelism });
  const generator = world.generator({ mode: 'paced', speedup: GENERATOR_SPEEDUP, startMs: scheduleStartMs() });
  const real: ScheduleReal = { world, spec, jobId: submitted.jobId, generator, deadline, steps: [] };
  const model = initialModel({ taskManagers: START_TASK_MANAGERS, slotsPerTaskManager: SLOTS_PER_TASK_MANAGER, parallelism: schedule.start.parallelism, environment });
  onReal(real, model);
  await expectClusterMatchesModel(real, model);
  // Paced: input flows from now on, so every step lands while a window is open.
  generator.done().catch(() => undefined); // a failure surfaces at stop() below
  world.history.note(`schedule start: job ${real.jobId} p=${schedule.start.parallelism}; ${describeTopology(environment.topology)}; ${environment.scheduler} scheduler; generator paced x${GENERATOR_SPEEDUP}`);
  await warmUp(real);

  await fc.asyncModelRun(() => ({ model, real }), scheduleSteps(schedule));

  await heal(model, real);
  world.history.note('generator: finishing its input (the open window, then the closing events)');
  await withTimeout(generator.stop(), bound(real, 60_000), 'the generator to finish its input');
  const settled = await world.settle(bound(real, 180_000));
  expect(settled, `the final windows settle in the output\n${String(world.extra.settleDiagnostics ?? '')}`).toBe(true);
  return { real, model };
}

/**
 * Before the first step: the first window is in the output. Every step then
 * acts on a job that demonstrably counts and holds the next window's state.
 */
async function warmUp(r: ScheduleReal): Promise<void> {
  const first = r.generator.startMs;
  await waitFor(
    'the generator to close the first window',
    async (seen) => {
      const closed = r.generator.ledger.snapshot().closedThroughMs;
      seen(`closed through ${closed > 0 ? new Date(closed).toISOString() : 'nothing'}`);
      return closed > first ? true : undefined;
    },
    { timeoutMs: bound(r, (2 * WINDOW_MS) / GENERATOR_SPEEDUP + 60_000), intervalMs: 100 },
  );
  const settled = await r.world.settle(bound(r, 120_000));
  expect(settled, `the first window in the output before the first step\n${String(r.world.extra.settleDiagnostics ?? '')}`).toBe(true);
  r.world.history.note('warm-up done: the first window is in the output');
}

/** Rejects when `p` takes longer than `ms` (the work itself goes on; the scenario's teardown ends it). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${(ms / 1000).toFixed(0)} s waiting for ${what}`)), ms);
  });
  p.catch(() => undefined);
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
