import { sleep } from '../../../containers/wait.js';
import { pauseTaskManager, unpauseTaskManager } from '../../taskmanager.js';
import { expectClusterMatchesModel, expectFailover, hostsTasks, restartsNow } from '../checks.js';
import { jobExpectation, predictsFailover, resolveTaskManager, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';
import { awaitTiming } from './timing.js';

/**
 * Freeze a running TaskManager (`docker pause`: a GC-stall-like fault) for a
 * few seconds, then unpause it. Longer than the heartbeat timeout, the
 * TaskManager is declared lost and the job must fail over; it re-registers after.
 */
export async function runPauseTaskManager(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'pause-taskmanager' }>): Promise<void> {
  const index = resolveTaskManager(m, a)!;
  const step = beginStep(r, a, r.world.cluster.taskManagers[index]!.name);
  await awaitTiming(r, a.timing);
  const hosted = jobExpectation(m) === 'running' && (await hostsTasks(r, index));
  const before = await restartsNow(r);
  await pauseTaskManager(r.world, index);
  try {
    await sleep(a.seconds * 1_000);
  } finally {
    await unpauseTaskManager(r.world, index);
  }
  Object.assign(m, transition(m, a));
  let observed = `hosted job tasks: ${hosted ? 'yes' : 'no'}`;
  if (predictsFailover(a, hosted)) observed += `; failover seen (${await expectFailover(r, before, `frozen ${a.seconds} s`)} new attempts)`;
  await expectClusterMatchesModel(r, m);
  const after = await restartsNow(r);
  endStep(r, step, m, `${observed}; new attempts during the step: ${after - before}`);
}
