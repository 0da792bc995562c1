// One schedule against one fresh cluster: submit the job, start its input,
// run the generated steps (model beside real), heal, let the input finish and
// the output settle. The caller judges.
import fc from 'fast-check';
import { expect } from 'vitest';
import { profileNamed } from '../../containers/profiles/profile.js';
import { withTimeout } from '../../containers/wait.js';
import { submitJob } from '../job-operations.js';
import { expectClusterMatchesModel } from './checks.js';
import { realEnvironment } from './commands/schedule-command.js';
import { heal } from './heal.js';
import { describeTopology, initialModel, type ScheduleEnvironment, type ScheduleModel } from './model.js';
import { bound, type ScheduleReal, type ScheduleWorld } from './real.js';
import { scheduleSteps, SLOTS_PER_TASK_MANAGER, START_TASK_MANAGERS, type Schedule } from './schedule-arbitrary.js';
import type { ScheduleWorkload } from './workload.js';

export async function runSchedule(
  world: ScheduleWorld,
  workload: ScheduleWorkload,
  schedule: Schedule,
  deadline: number,
  /** Receives the real system as soon as it exists, so a failing run still reports its steps. */
  onReal: (r: ScheduleReal, m: ScheduleModel) => void,
): Promise<{ real: ScheduleReal; model: ScheduleModel }> {
  const { spec } = workload;
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
  const input = workload.start();
  const real: ScheduleReal = { world, spec, workload, jobId: submitted.jobId, input, deadline, steps: [] };
  const model = initialModel({ taskManagers: START_TASK_MANAGERS, slotsPerTaskManager: SLOTS_PER_TASK_MANAGER, parallelism: schedule.start.parallelism, environment });
  onReal(real, model);
  await expectClusterMatchesModel(real, model);
  // Paced: input flows from now on, so every step lands while a window is open.
  input.done().catch(() => undefined); // a failure surfaces at stop() below
  world.history.note(`schedule start: job ${real.jobId} p=${schedule.start.parallelism}; ${describeTopology(environment.topology)}; ${environment.scheduler} scheduler; ${workload.describe}`);
  await workload.warmUp(real);

  await fc.asyncModelRun(() => ({ model, real }), scheduleSteps(schedule));

  await heal(model, real);
  world.history.note('input: finishing (the open window, then the closing events)');
  await withTimeout(input.stop(), bound(real, 60_000), 'the generator to finish its input');
  const settled = await workload.settle(bound(real, 180_000));
  expect(settled, `the final output settles\n${String(world.extra.settleDiagnostics ?? '')}`).toBe(true);
  return { real, model };
}
