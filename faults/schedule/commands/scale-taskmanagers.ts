import { scaleTaskManagers } from '../../taskmanager.js';
import { expectClusterMatchesModel, expectFailover, hostsTasks, restartsNow } from '../checks.js';
import { jobExpectation, predictsFailover, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/** Scale to n TaskManagers: add fresh ones, or stop (SIGTERM) and remove the newest. */
export async function runScaleTaskManagers(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'scale-taskmanagers' }>): Promise<void> {
  const step = beginStep(r, a, `${m.taskManagers.length} -> ${a.count} TaskManager(s)`);
  // Scaling down stops the newest; if one of them runs tasks of the running job, the job must fail over.
  let removedHosting = false;
  if (jobExpectation(m) === 'running') {
    for (let i = a.count; i < m.taskManagers.length; i++) {
      if (m.taskManagers[i] === 'running' && (await hostsTasks(r, i))) removedHosting = true;
    }
  }
  const shrinking = a.count < m.taskManagers.length;
  const before = await restartsNow(r);
  await scaleTaskManagers(r.world, a.count);
  Object.assign(m, transition(m, a));
  let observed = shrinking ? `removed TaskManager(s) hosted job tasks: ${removedHosting ? 'yes' : 'no'}` : undefined;
  if (predictsFailover(a, removedHosting)) observed += `; failover seen (${await expectFailover(r, before, 'a TaskManager with job tasks stopped')} new attempts)`;
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, observed);
}
