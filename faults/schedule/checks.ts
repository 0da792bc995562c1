// After every step: does the real cluster look as the model predicts? Each
// check is a bounded wait for the predicted state (never a sleep and a look),
// and says what it last saw when it expires.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { allTasksRunning, taskCounts } from '../../containers/flink-rest.js';
import { StopWaiting, waitFor } from '../../containers/wait.js';
import { KAFKA_METADATA_CHECK } from '../broker-leader.js';
import { attemptTotal, isTaskManagerOf, nodeAddresses, taskManagersHostingJob } from './cluster-view.js';
import { availableSlots, effectiveParallelism, jobExpectation, runningTaskManagers, slotsToRun, type ScheduleModel } from './model.js';
import { bound, type ScheduleReal } from './real.js';

const TERMINAL = new Set(['FAILED', 'CANCELED', 'FINISHED']);

/** Each TaskManager container runs or not as the model says, and the ResourceManager registers exactly the running ones. */
export async function expectTaskManagers(r: ScheduleReal, m: ScheduleModel): Promise<void> {
  const { cluster } = r.world;
  expect(cluster.taskManagers.map((n) => n.name), 'TaskManager containers vs model').toHaveLength(m.taskManagers.length);
  for (const [i, state] of m.taskManagers.entries()) {
    expect(await cluster.taskManagers[i]!.isRunning(), `${cluster.taskManagers[i]!.name} running (model: ${state})`).toBe(state === 'running');
  }
  const running = runningTaskManagers(m).length;
  await waitFor(
    `${running} registered TaskManager(s) with ${availableSlots(m)} slots`,
    async (seen) => {
      const o = await cluster.rest.overview();
      seen(`${o.taskmanagers} TaskManager(s), ${o['slots-total']} slots`);
      return o.taskmanagers === running && o['slots-total'] === availableSlots(m) ? true : undefined;
    },
    { timeoutMs: bound(r, 90_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
}

/**
 * The job as the model predicts: 'running' = every task RUNNING at the model's
 * (effective) parallelism, on registered TaskManagers only; 'starved' (fewer slots than
 * its parallelism) = not all tasks RUNNING, and not ended either.
 */
export async function expectJob(r: ScheduleReal, m: ScheduleModel): Promise<void> {
  const { cluster } = r.world;
  const p = effectiveParallelism(m);
  if (jobExpectation(m) === 'running') {
    await waitFor(
      `job ${r.jobId} RUNNING with all tasks RUNNING at parallelism ${p}, on registered TaskManagers`,
      async (seen) => {
        const job = await cluster.rest.job(r.jobId);
        seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}, parallelism ${[...new Set(job.vertices.map((v) => v.parallelism))].join('/')}`);
        if (TERMINAL.has(job.state)) throw new StopWaiting(`job ${r.jobId} ended ${job.state}; the model expects it running`);
        if (!allTasksRunning(job)) return undefined;
        const wrong = job.vertices.filter((v) => v.parallelism !== p);
        const wrongly = `vertices at the wrong parallelism (model p=${p}): ${wrong.map((v) => `${v.name} p=${v.parallelism}`).join(', ')}`;
        // The adaptive scheduler rescales on its own once slots come or go (after its cooldown): not yet, not wrong.
        if (wrong.length > 0 && m.environment.scheduler === 'adaptive') {
          seen(`all RUNNING, ${wrongly}`);
          return undefined;
        }
        if (wrong.length > 0) throw new StopWaiting(wrongly);
        const registered = new Set((await cluster.rest.taskManagers()).map((t) => t.id));
        const stale = [...(await taskManagersHostingJob(cluster, r.jobId))].filter((id) => !registered.has(id));
        if (stale.length > 0) {
          seen(`all RUNNING, but on TaskManager(s) no longer registered: ${stale.join(', ')}`);
          return undefined;
        }
        return true;
      },
      { timeoutMs: bound(r, 180_000), diagnose: () => cluster.diagnose(r.jobId) },
    );
    return;
  }
  await waitFor(
    `job ${r.jobId} waiting for slots (it needs ${slotsToRun(m)}, ${availableSlots(m)} offered): not all tasks RUNNING`,
    async (seen) => {
      const job = await cluster.rest.job(r.jobId);
      seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}`);
      if (TERMINAL.has(job.state)) throw new StopWaiting(`job ${r.jobId} ended ${job.state}; the model expects it waiting for slots`);
      return allTasksRunning(job) ? undefined : true;
    },
    { timeoutMs: bound(r, 90_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
  const o = await cluster.rest.overview();
  expect(o['slots-total'], `slots offered while the job (p=${m.job.parallelism}) waits for ${slotsToRun(m)}`).toBeLessThan(slotsToRun(m));
}

export async function expectClusterMatchesModel(r: ScheduleReal, m: ScheduleModel): Promise<void> {
  await expectTaskManagers(r, m);
  await expectJob(r, m);
}

/** The job failed over since `before` (its subtasks' attempt total grew). */
export async function expectFailover(r: ScheduleReal, before: number, why: string): Promise<number> {
  const { cluster } = r.world;
  return waitFor(
    `job ${r.jobId} to fail over (${why}): new execution attempts beyond ${before}`,
    async (seen) => {
      const n = await attemptTotal(cluster, r.jobId);
      seen(`attempt total ${n}`);
      return n > before ? n - before : undefined;
    },
    { timeoutMs: bound(r, 60_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
}

/** The job's execution attempt total now (compare before and after a step). */
export const restartsNow = (r: ScheduleReal): Promise<number> => attemptTotal(r.world.cluster, r.jobId);

/** Whether the TaskManager at `index` hosts any of the job's tasks now. */
export async function hostsTasks(r: ScheduleReal, index: number): Promise<boolean> {
  const node = r.world.cluster.taskManagers[index]!;
  const [hosting, addresses] = await Promise.all([taskManagersHostingJob(r.world.cluster, r.jobId), nodeAddresses(node)]);
  return [...hosting].some((id) => isTaskManagerOf(id, addresses));
}

/** Bounded wait until the broker answers again (topic end offsets). */
export async function expectBrokerUp(r: ScheduleReal): Promise<void> {
  const { cluster } = r.world;
  await waitFor(
    'the Kafka broker to answer (end offsets of input)',
    async (seen) => {
      try {
        await cluster.kafka.endOffsets('input');
        return true;
      } catch (e) {
        seen(String((e as Error).message));
        await cluster.kafka.closeAdmin();
        return undefined;
      }
    },
    { timeoutMs: bound(r, 90_000), intervalMs: 1_000, diagnose: () => cluster.diagnose(r.jobId) },
  );
}

/** Every broker container runs and is in the ISR of every partition of input and output (a replicated Kafka whole again). */
export async function expectBrokersInSync(r: ScheduleReal): Promise<void> {
  const { cluster } = r.world;
  const { kafka } = cluster;
  for (const b of kafka.brokers) expect(await b.node.isRunning(), `${b.node.name} running after the step`).toBe(true);
  await waitFor(
    `all ${kafka.brokers.length} brokers in the ISR of every partition of input and output`,
    async (seen) => {
      const parts = await Promise.all(['input', 'output'].map((t) => kafka.partitions(t))).then((p) => p.flat(), (e) => (seen(String((e as Error).message)), undefined));
      if (!parts) {
        await kafka.closeAdmin();
        return undefined;
      }
      const short = parts.filter((p) => kafka.brokers.some((b) => !p.isr.includes(b.nodeId)));
      seen(short.length ? short.map((p) => `${p.topic}-${p.partition} isr ${p.isr.join(',')}`).join('; ') : 'all in sync');
      return short.length === 0 ? true : undefined;
    },
    { timeoutMs: bound(r, 90_000), intervalMs: 1_000, diagnose: () => cluster.diagnose(r.jobId) },
  );
}

/**
 * What the brokers' metadata showed after a replicated-Kafka fault on
 * `target` since `since`, as the fault recorded it (faults/broker-leader.ts):
 * the model predicts it moved (a new partition leader, a new coordinator).
 */
export function expectMetadataMoved(r: ScheduleReal, since: number, target: string): string[] {
  const checks = r.world.history.events.filter(
    (e): e is Extract<typeof e, { kind: 'check' }> => e.kind === 'check' && e.name === KAFKA_METADATA_CHECK && e.t >= since && e.data?.target === target,
  );
  expect(checks.length, `the brokers' metadata read after the fault on ${target}`).toBeGreaterThan(0);
  for (const c of checks) expect(c.ok, `the brokers' metadata after the fault on ${target}: ${c.detail}`).toBe(true);
  return checks.map((c) => c.detail);
}

/** The job's newest completed checkpoint now (undefined: none yet). */
export const lastCompletedCheckpoint = async (r: ScheduleReal): Promise<number | undefined> =>
  (await r.world.cluster.rest.checkpoints(r.jobId)).latest.completed?.id ?? undefined;

/**
 * The job (same id) restored, at or after `since`, a checkpoint no older than
 * `lastBefore` (the newest one completed before the fault): what a JobManager
 * failover must do. Returns what Flink reports as restored.
 */
export async function expectRestoredSince(r: ScheduleReal, since: number, lastBefore: number | undefined): Promise<{ id: number; external_path: string }> {
  const { cluster } = r.world;
  const restored = await waitFor(
    `job ${r.jobId} to report a checkpoint restored after the fault`,
    async (seen) => {
      const c = (await cluster.rest.checkpoints(r.jobId)).latest.restored;
      seen(c ? `checkpoint ${c.id} restored at ${new Date(c.restore_timestamp).toISOString()}` : 'nothing restored');
      return c && c.restore_timestamp >= since ? c : undefined;
    },
    { timeoutMs: bound(r, 90_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
  if (lastBefore !== undefined) expect(restored.id, `restored checkpoint vs the last one completed before the fault (${lastBefore})`).toBeGreaterThanOrEqual(lastBefore);
  return restored;
}

/** A completed savepoint is a folder with `_metadata` on the host. */
export function expectSavepointOnHost(hostPath: string): void {
  expect(existsSync(path.join(hostPath, '_metadata')), `savepoint metadata ${path.join(hostPath, '_metadata')}`).toBe(true);
}

/** "file:/tmp/x", "file:///tmp/x" and "/tmp/x" name the same folder. */
export { samePath } from '../../containers/profiles/read-back.js';
