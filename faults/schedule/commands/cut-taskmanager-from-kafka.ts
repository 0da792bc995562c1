import { expect } from 'vitest';
import { sleep } from '../../../containers/wait.js';
import { partitionTaskManager } from '../../network.js';
import { expectClusterMatchesModel, hostsTasks, restartsNow } from '../checks.js';
import { KAFKA_CUT_S, runningTaskManagers, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

/**
 * A TaskManager that runs tasks of the job cut from Kafka's network
 * (`docker network disconnect`, partitionable topology) for 35 s, then put
 * back on the same address within the step. The target is a pick among the
 * TaskManagers hosting tasks now: one without any would show no effect.
 */
export async function runCutTaskManagerFromKafka(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'cut-taskmanager-from-kafka' }>): Promise<void> {
  const hosting: number[] = [];
  for (const i of runningTaskManagers(m)) if (await hostsTasks(r, i)) hosting.push(i);
  expect(hosting.length, 'running TaskManagers hosting tasks of the running job').toBeGreaterThan(0);
  const index = hosting[a.pick % hosting.length]!;
  const node = r.world.cluster.taskManagers[index]!;
  const step = beginStep(r, a, node.name);
  const before = await restartsNow(r);
  const heal = await partitionTaskManager(r.world, index, 'kafka');
  try {
    await sleep(KAFKA_CUT_S * 1_000);
  } finally {
    await heal();
  }
  Object.assign(m, transition(m, a));
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `cut ${KAFKA_CUT_S} s, healed (${hosting.length} TaskManager(s) hosted tasks); new attempts during the step: ${(await restartsNow(r)) - before}`);
}
