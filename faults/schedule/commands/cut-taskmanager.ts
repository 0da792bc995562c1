import { expect } from 'vitest';
import { sleep } from '../../../containers/wait.js';
import { partitionTaskManager } from '../../network.js';
import { expectClusterMatchesModel, expectFailover, hostsTasks, restartsNow } from '../checks.js';
import { JOBMANAGER_CUT_S, KAFKA_CUT_S, runningTaskManagers, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, endStep, type ScheduleReal } from '../real.js';

type Cut = Extract<Action, { kind: 'cut-taskmanager-from-kafka' | 'cut-taskmanager-from-jobmanager' }>;

/**
 * A TaskManager that runs tasks of the job cut from Kafka's network for 35 s
 * (past the Kafka clients' request timeout), then put back on the same address.
 */
export const runCutTaskManagerFromKafka = (m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'cut-taskmanager-from-kafka' }>) => runCut(m, r, a, 'kafka', KAFKA_CUT_S);

/**
 * A TaskManager that runs tasks of the job cut from the cluster's network (the
 * JobManager; its Kafka link stays) for 10 s, past the 5 s heartbeat timeout:
 * Flink declares it lost and the job fails over; put back, it registers again
 * and the job runs as the model says.
 */
export async function runCutTaskManagerFromJobManager(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'cut-taskmanager-from-jobmanager' }>): Promise<void> {
  return runCut(m, r, a, 'jobmanager', JOBMANAGER_CUT_S);
}

/**
 * `docker network disconnect` (partitionable topology) for `seconds`, healed
 * within the step. The target is a pick among the TaskManagers hosting tasks
 * now: one without any would show no effect.
 */
async function runCut(m: ScheduleModel, r: ScheduleReal, a: Cut, from: 'kafka' | 'jobmanager', seconds: number): Promise<void> {
  const hosting: number[] = [];
  for (const i of runningTaskManagers(m)) if (await hostsTasks(r, i)) hosting.push(i);
  expect(hosting.length, 'running TaskManagers hosting tasks of the running job').toBeGreaterThan(0);
  const index = hosting[a.pick % hosting.length]!;
  const node = r.world.cluster.taskManagers[index]!;
  const step = beginStep(r, a, node.name);
  const before = await restartsNow(r);
  const heal = await partitionTaskManager(r.world, index, from);
  try {
    await sleep(seconds * 1_000);
  } finally {
    await heal();
  }
  Object.assign(m, transition(m, a));
  let observed = `cut ${seconds} s, healed (${hosting.length} TaskManager(s) hosted tasks)`;
  // Past the heartbeat timeout the JobManager has lost the TaskManager's tasks: a failover must follow.
  if (from === 'jobmanager') observed += `; failover seen (${await expectFailover(r, before, `${node.name} cut from the JobManager`)} new attempts)`;
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, `${observed}; new attempts during the step: ${(await restartsNow(r)) - before}`);
}
