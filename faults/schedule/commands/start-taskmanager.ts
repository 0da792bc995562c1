import { startTaskManager } from '../../taskmanager.js';
import { expectClusterMatchesModel } from '../checks.js';
import { resolveTaskManager, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/** Start a killed TaskManager again (the same container, like `docker-compose up -d taskmanager`). */
export async function runStartTaskManager(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'start-taskmanager' }>): Promise<void> {
  const index = resolveTaskManager(m, a)!;
  const step = beginStep(r, a, r.world.cluster.taskManagers[index]!.name);
  await startTaskManager(r.world, index);
  Object.assign(m, transition(m, a));
  // Registered again; the job runs again if the slots now suffice.
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m);
}
