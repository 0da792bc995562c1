import { expect } from 'vitest';
import { rescaleInPlace, waitForRestore } from '../../job-operations.js';
import { expectClusterMatchesModel } from '../checks.js';
import { effectiveParallelism, transition, type Action, type ScheduleModel } from '../model.js';
import { beginStep, bound, endStep, type ScheduleReal } from '../real.js';

/**
 * The adaptive scheduler's rescale in place: PUT /jobs/<id>/resource-requirements
 * with the new upper bound. Flink keeps the job id and, when the parallelism it
 * can run at changes, restarts the job from its latest checkpoint at it (no
 * savepoint): the restore is waited for on Flink's restore count, no older than
 * the newest checkpoint completed before the step.
 */
export async function runRescaleAdaptive(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'rescale-adaptive' }>): Promise<void> {
  const { cluster } = r.world;
  const step = beginStep(r, a, `job ${r.jobId}`);
  const id = r.jobId;
  const from = effectiveParallelism(m);
  const before = await cluster.rest.checkpoints(id);
  await rescaleInPlace(r.world, id, a.parallelism);
  Object.assign(m, transition(m, a));
  const to = effectiveParallelism(m);
  let observed = `upper bound ${a.parallelism}; runs at ${from} -> ${to}`;
  if (to !== from) {
    const restored = await waitForRestore(r.world, id, before.counts.restored, `from a checkpoint at p=${to}`, bound(r, 90_000));
    const newest = before.latest.completed?.id;
    if (newest !== undefined) expect(restored.id, `checkpoint restored by the rescale vs the newest before it (${newest})`).toBeGreaterThanOrEqual(newest);
    expect(restored.is_savepoint, 'a rescale in place restores a checkpoint').toBe(false);
    observed += `; restored checkpoint ${restored.id}`;
  }
  await expectClusterMatchesModel(r, m);
  expect(r.jobId, 'the same job after a rescale in place').toBe(id);
  endStep(r, step, m, observed);
}
