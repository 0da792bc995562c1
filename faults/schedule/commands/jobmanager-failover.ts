// The JobManager faults' common course: note the leader and the newest
// checkpoint, act, wait for the leader ZooKeeper names (another one, when the
// model says so), bring the faulted JobManager back as the standby, then
// check what the model predicts: the cluster as the model says (TaskManagers
// registered with the leader, the job RUNNING under its id at its
// parallelism) and a restore of a checkpoint no older than the last one before.
import { expect } from 'vitest';
import { jobManagerAlias } from '../../../containers/flink-nodes.js';
import { waitFor } from '../../../containers/wait.js';
import { awaitLeader } from '../../jobmanager.js';
import { expectClusterMatchesModel, expectRestoredSince, lastCompletedCheckpoint } from '../checks.js';
import { predictInfrastructure, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, bound, endStep, type ScheduleReal } from '../real.js';

export interface JobManagerFaultRun {
  /** After the leader is named: the faulted JobManager back (started, unpaused). */
  after?: () => Promise<void>;
}

export async function runJobManagerFault(
  m: ScheduleModel,
  r: ScheduleReal,
  a: Extract<Action, { kind: 'kill-jobmanager-leader' | 'pause-jobmanager-leader' | 'isolate-jobmanager-leader' | 'restart-zookeeper' }>,
  fault: () => Promise<JobManagerFaultRun>,
): Promise<void> {
  const { cluster } = r.world;
  const prediction = predictInfrastructure(a)!;
  const index = await cluster.leaderIndex();
  const previous = index === undefined ? undefined : jobManagerAlias(index + 1);
  const step = beginStep(r, a, previous ? `leader ${previous}` : 'ZooKeeper names no leader');
  const lastBefore = await lastCompletedCheckpoint(r);
  const since = Date.now();
  const run = await fault();
  const leader = await awaitLeader(r.world, previous, prediction.leader === 'new', bound(r, 90_000));
  expect(leader, `a ${prediction.leader === 'new' ? 'new ' : ''}JobManager leader named in ZooKeeper after ${a.kind} (before: ${previous ?? 'none'})`).toBeDefined();
  Object.assign(m, transition(m, a));
  await expectClusterMatchesModel(r, m);
  await run.after?.();
  await expectJobManagersRunning(r);
  // The old leader back as the standby changes nothing the job shows.
  await expectClusterMatchesModel(r, m);
  const restored = await expectRestoredSince(r, since, lastBefore);
  endStep(r, step, m, `leader ${previous ?? 'none'} -> ${leader}; job ${r.jobId} (same id) restored checkpoint ${restored.id} (last completed before: ${lastBefore ?? 'none'})`);
}

/** Every JobManager container runs again (the model's two; the fault's target came back). */
async function expectJobManagersRunning(r: ScheduleReal): Promise<void> {
  const { cluster } = r.world;
  await waitFor(
    `all ${cluster.jobManagers.length} JobManagers running`,
    async (seen) => {
      const up = await Promise.all(cluster.jobManagers.map((n) => n.isRunning()));
      seen(cluster.jobManagers.map((n, i) => `${n.name} ${up[i] ? 'running' : 'not running'}`).join(', '));
      return up.every(Boolean) ? true : undefined;
    },
    { timeoutMs: bound(r, 30_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
}
