// After the schedule: make the cluster whole again so every window can be
// counted: killed TaskManagers started, enough slots for the job's
// parallelism, the job running (the broker is up: each restart step waited for it).
import { scaleTaskManagers, startTaskManager } from '../taskmanager.js';
import { expectBrokerUp, expectClusterMatchesModel } from './checks.js';
import { applyHeal, describeModel, healPlan, type ScheduleModel } from './model.js';
import type { ScheduleReal } from './real.js';

export async function heal(m: ScheduleModel, r: ScheduleReal): Promise<void> {
  const plan = healPlan(m);
  r.world.history.note(
    `heal: start ${plan.start.length ? plan.start.map((i) => r.world.cluster.taskManagers[i]!.name).join(', ') : 'nothing'}` +
      `${plan.scaleTo ? `, scale to ${plan.scaleTo} TaskManager(s)` : ''}; model: ${describeModel(m)}`,
  );
  for (const i of plan.start) await startTaskManager(r.world, i);
  if (plan.scaleTo !== undefined) await scaleTaskManagers(r.world, plan.scaleTo);
  Object.assign(m, applyHeal(m));
  await expectBrokerUp(r);
  await expectClusterMatchesModel(r, m);
  r.world.history.note(`heal done; model: ${describeModel(m)}`);
}
