import { killTaskManager } from '../../taskmanager.js';
import { expectClusterMatchesModel, expectFailover, hostsTasks, restartsNow } from '../checks.js';
import { jobExpectation, predictsFailover, resolveTaskManager, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';
import { awaitTiming } from './timing.js';

/** SIGKILL a running TaskManager (`docker kill`), optionally once the open window is half filled. */
export async function runKillTaskManager(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'kill-taskmanager' }>): Promise<void> {
  const index = resolveTaskManager(m, a)!;
  const node = r.world.cluster.taskManagers[index]!;
  const step = beginStep(r, a, node.name);
  const wasRunning = jobExpectation(m) === 'running';
  await awaitTiming(r, a.timing);
  const hosted = wasRunning && (await hostsTasks(r, index));
  const before = await restartsNow(r);
  await killTaskManager(r.world, index);
  Object.assign(m, transition(m, a));
  let observed = `hosted job tasks: ${hosted ? 'yes' : 'no'}`;
  // A killed TaskManager with tasks of the running job must make the job fail over.
  if (predictsFailover(a, hosted)) observed += `; failover seen (${await expectFailover(r, before, `${node.name} killed`)} new attempts)`;
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, observed);
}
