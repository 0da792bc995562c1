import { expect } from 'vitest';
import type { JobDetails } from '../../../containers/flink-rest.js';
import { waitFor } from '../../../containers/wait.js';
import { stopWithSavepoint, stopWithSavepointDuring, submitJob, waitForRestore, whenJob } from '../../job-operations.js';
import { killTaskManager } from '../../taskmanager.js';
import { expectClusterMatchesModel, expectFailover, expectSavepointOnHost, hostsTasks, restartsNow, samePath } from '../checks.js';
import { jobExpectation, resolveTaskManager, runningTaskManagers, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, bound, endStep, type ScheduleReal } from '../real.js';
import { expectRestoredSavepoint, expectJobFinished } from './savepoint-resume.js';

type KillDuring = Extract<Action, { kind: 'kill-taskmanager-during' }>;

/**
 * SIGKILL a running TaskManager during a lifecycle operation (#10), and check
 * what Flink must do then, in its own records:
 * - stop: the stop fails and the job, same id, restores a checkpoint (not the
 *   savepoint) and runs; or the savepoint completed before the kill landed, and
 *   the step resumes from it;
 * - restore: the step stops with a savepoint and resumes at the job's
 *   parallelism, and kills while tasks deploy or initialize: the job restores
 *   again, from that savepoint or its own later checkpoint;
 * - checkpoint: killed while a checkpoint is in flight: the job restores a
 *   checkpoint no older than the newest completed at the kill.
 */
export async function runKillTaskManagerDuring(m: ScheduleModel, r: ScheduleReal, a: KillDuring): Promise<void> {
  switch (a.during) {
    case 'stop':
      return killDuringStop(m, r, a);
    case 'restore':
      return killDuringRestore(m, r, a);
    case 'checkpoint':
      return killDuringCheckpoint(m, r, a);
  }
}

async function killDuringStop(m: ScheduleModel, r: ScheduleReal, a: KillDuring): Promise<void> {
  const { cluster } = r.world;
  const { index, resolved, hosted, step } = await begin(m, r, a);
  const before = await cluster.rest.checkpoints(r.jobId);
  const attempts = await restartsNow(r);
  const stop = await stopWithSavepointDuring(r.world, r.jobId, () => killTaskManager(r.world, index), bound(r, 120_000));
  let observed = `hosted job tasks: ${hosted ? 'yes' : 'no'}`;
  if (!stop.completed) {
    Object.assign(m, transition(m, resolved));
    observed += `; the stop failed (${stop.failure})`;
    const newest = before.latest.completed?.id;
    if (jobExpectation(m) === 'running' && newest === undefined) {
      // No checkpoint yet: nothing to restore; the job restarts empty-handed (new attempts).
      observed += `; no checkpoint before the stop; failover seen (${await expectFailover(r, attempts, 'the stop failed')} new attempts)`;
    } else if (jobExpectation(m) === 'running') {
      // Flink keeps the job: same id, restored and running again, from nothing older than the newest checkpoint
      // completed before the stop (a savepoint that completed before the kill landed may be the one restored).
      const restored = await waitForRestore(r.world, r.jobId, before.counts.restored, 'after the failed stop', bound(r, 120_000));
      expect(restored.id, `restored ${restored.external_path} vs the newest checkpoint before the stop (${newest})`).toBeGreaterThanOrEqual(newest!);
      observed += `; job restored ${restored.is_savepoint ? 'savepoint' : 'checkpoint'} ${restored.id}`;
    }
    await expectClusterMatchesModel(r, m);
  } else {
    // The savepoint completed before the kill landed: the job is FINISHED with it; resume it as savepoint-resume does.
    await expectJobFinished(r, r.jobId);
    expectSavepointOnHost(stop.hostPath);
    const old = r.jobId;
    r.jobId = (await submitJob(r.world, r.spec, { via: 'rest', savepoint: stop.location, parallelism: m.job.parallelism })).jobId;
    expect(r.jobId, 'the resumed job is a new job').not.toBe(old);
    Object.assign(m, transition(m, resolved, stop.location));
    await expectClusterMatchesModel(r, m);
    observed += `; the savepoint completed first (${stop.location}); new job ${r.jobId}`;
    if (jobExpectation(m) === 'running') {
      await expectRestoredSavepoint(r, stop.location);
      observed += '; restored from it';
    }
  }
  endStep(r, step, m, observed);
}

/**
 * The resumed job has reached its restore: tasks DEPLOYING or INITIALIZING, or
 * (a restore over before the first look) every task RUNNING. A job just
 * submitted can list no tasks yet: "all of none RUNNING" is not a restore
 * (seen on a cluster: the kill landed before any deployment and hit nothing).
 */
export function restoreReached(j: Pick<JobDetails, 'status-counts' | 'vertices'>): boolean {
  const c = j['status-counts'];
  const tasks = j.vertices.reduce((n, v) => n + v.parallelism, 0);
  return tasks > 0 && ((c.DEPLOYING ?? 0) + (c.INITIALIZING ?? 0) > 0 || (c.RUNNING ?? 0) === tasks);
}

async function killDuringRestore(m: ScheduleModel, r: ScheduleReal, a: KillDuring): Promise<void> {
  const { cluster } = r.world;
  const step = beginStep(r, a, `job ${r.jobId}`);
  const old = r.jobId;
  const stopped = await stopWithSavepoint(r.world, old, 'rest');
  await expectJobFinished(r, old);
  expectSavepointOnHost(stopped.hostPath);
  r.jobId = (await submitJob(r.world, r.spec, { via: 'rest', savepoint: stopped.location, parallelism: m.job.parallelism })).jobId;
  // The restore: tasks DEPLOYING or INITIALIZING (restoring state). A restore over before the first look is said, not hidden.
  const during = await whenJob(r.world, r.jobId, 'tasks of the resumed job DEPLOYING or INITIALIZING', restoreReached, bound(r, 60_000));
  const restoring = (during['status-counts'].DEPLOYING ?? 0) + (during['status-counts'].INITIALIZING ?? 0);
  // The target among the TaskManagers the resumed job's tasks were deployed to.
  const { index, resolved, hosted, node } = await target(m, r, a);
  step.target = node.name;
  await killTaskManager(r.world, index);
  Object.assign(m, transition(m, resolved, stopped.location));
  let observed = `savepoint ${stopped.location}; new job ${r.jobId}; killed with ${restoring} task(s) deploying or initializing; hosted job tasks: ${hosted ? 'yes' : 'no'}`;
  if (jobExpectation(m) === 'running' && hosted) {
    // Restored again: past the restore under way at the kill, from that savepoint or the new job's own checkpoint.
    const restored = await waitForRestore(r.world, r.jobId, 1, 'again after the kill', bound(r, 120_000));
    const own = restored.external_path.includes(`/${r.jobId}/`);
    expect(
      samePath(restored.external_path, stopped.location) || (!restored.is_savepoint && own),
      `job ${r.jobId} restored ${restored.external_path}: the savepoint ${stopped.location} or a checkpoint of its own`,
    ).toBe(true);
    observed += `; restored again: ${own ? `checkpoint ${restored.id}` : 'the savepoint'}`;
  }
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, observed);
}

async function killDuringCheckpoint(m: ScheduleModel, r: ScheduleReal, a: KillDuring): Promise<void> {
  const { cluster } = r.world;
  const { index, resolved, hosted, node, step } = await begin(m, r, a);
  // Checkpoints of the playground's job take milliseconds: poll fast, and say so when none was caught in flight.
  const inFlight = await waitFor('a checkpoint in progress', async (seen) => {
    const stats = await cluster.rest.checkpoints(r.jobId);
    seen(`in progress ${stats.counts.in_progress}, latest completed ${stats.latest.completed?.id ?? 'none'}`);
    return stats.counts.in_progress > 0 ? stats : undefined;
  }, { timeoutMs: bound(r, 20_000), intervalMs: 20 }).catch(() => undefined);
  const stats = inFlight ?? (await cluster.rest.checkpoints(r.jobId));
  const lastCompleted = stats.latest.completed?.id;
  const inFlightId = inFlight?.history?.find((c) => c.status === 'IN_PROGRESS')?.id;
  const attempts = await restartsNow(r);
  await killTaskManager(r.world, index);
  Object.assign(m, transition(m, resolved));
  let observed = `${inFlight ? `checkpoint ${inFlightId ?? '?'} in flight` : 'no checkpoint caught in flight'}, newest completed ${lastCompleted ?? 'none'}; hosted job tasks: ${hosted ? 'yes' : 'no'}`;
  if (jobExpectation(m) === 'running' && hosted && lastCompleted === undefined) {
    // The first checkpoint was still in flight: nothing to restore, the job restarts from the start of its input.
    observed += `; failover seen (${await expectFailover(r, attempts, `${node.name} killed`)} new attempts), nothing to restore`;
  } else if (jobExpectation(m) === 'running' && hosted) {
    const restored = await waitForRestore(r.world, r.jobId, stats.counts.restored, 'after the kill', bound(r, 120_000));
    // Never older than the newest completed at the kill (the one in flight may have completed as the kill landed).
    expect(restored.id, `restored checkpoint vs the newest completed at the kill (${lastCompleted})`).toBeGreaterThanOrEqual(lastCompleted!);
    const fate = inFlightId === undefined ? undefined : (await cluster.rest.checkpoints(r.jobId)).history?.find((c) => c.id === inFlightId)?.status;
    observed += `; restored checkpoint ${restored.id}${fate ? `; checkpoint ${inFlightId} ${fate}` : ''}`;
  }
  await expectClusterMatchesModel(r, m);
  endStep(r, step, m, observed);
}

/**
 * The TaskManager to kill: the pick among the running ones that host tasks of
 * the job now (a kill of one without tasks changes nothing and is inconclusive
 * by the kill's evidence rule), else among all running ones. `resolved` is the
 * action with the pick that resolves to it in the model, for the transition.
 */
async function target(m: ScheduleModel, r: ScheduleReal, a: KillDuring) {
  const running = runningTaskManagers(m);
  const hosting: number[] = [];
  for (const i of running) if (await hostsTasks(r, i).catch(() => false)) hosting.push(i);
  const index = hosting.length > 0 ? hosting[a.pick % hosting.length]! : resolveTaskManager(m, a)!;
  const resolved: KillDuring = { ...a, pick: running.indexOf(index) };
  return { index, resolved, hosted: hosting.includes(index), node: r.world.cluster.taskManagers[index]! };
}

/** The target, and the step begun on it. */
async function begin(m: ScheduleModel, r: ScheduleReal, a: KillDuring) {
  const t = await target(m, r, a);
  return { ...t, step: beginStep(r, a, t.node.name) };
}

