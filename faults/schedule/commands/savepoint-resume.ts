import { expect } from 'vitest';
import { waitFor } from '../../../containers/wait.js';
import { stopWithSavepoint, submitJob } from '../../job-operations.js';
import { expectClusterMatchesModel, expectSavepointOnHost, samePath } from '../checks.js';
import { jobExpectation, transition, type Action, type ScheduleModel } from '../model.js';
import { bound, beginStep, endStep, type ScheduleReal } from '../real.js';

/**
 * Stop the job with a savepoint and resume it from there, via the CLI
 * (`flink stop`, `flink run -s -p`) or REST (`POST /jobs/<id>/stop`,
 * `POST /jars/<id>/run` with savepointPath and parallelism).
 */
export async function runSavepointResume(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'savepoint-resume' }>): Promise<void> {
  const { cluster } = r.world;
  const old = r.jobId;
  const step = beginStep(r, a, `job ${old}`);
  const stopped = await stopWithSavepoint(r.world, old, a.via);
  await expectJobFinished(r, old);
  expectSavepointOnHost(stopped.hostPath);
  const submitted = await submitJob(r.world, r.spec, { via: a.via, savepoint: stopped.location, parallelism: a.parallelism });
  expect(submitted.jobId, 'the resumed job is a new job').not.toBe(old);
  r.jobId = submitted.jobId;
  Object.assign(m, transition(m, a, stopped.location));
  await expectClusterMatchesModel(r, m);
  let observed = `savepoint ${stopped.location}; new job ${submitted.jobId}`;
  if (jobExpectation(m) === 'running') {
    await expectRestoredSavepoint(r, stopped.location);
    observed += '; restored from it';
  }
  endStep(r, step, m, observed);
}

/** The stopped job reached FINISHED. */
export async function expectJobFinished(r: ScheduleReal, jobId: string): Promise<void> {
  const { cluster } = r.world;
  await waitFor(
    `job ${jobId} FINISHED after stop with savepoint`,
    async (seen) => {
      const job = await cluster.rest.job(jobId);
      seen(job.state);
      return job.state === 'FINISHED' ? true : undefined;
    },
    { timeoutMs: bound(r, 60_000), diagnose: () => cluster.diagnose(jobId) },
  );
}

/** Flink says the current job restored exactly this savepoint. */
export async function expectRestoredSavepoint(r: ScheduleReal, location: string): Promise<void> {
  const { cluster } = r.world;
  const restored = await waitFor(
    `job ${r.jobId} to report the restored savepoint`,
    async (seen) => {
      const c = (await cluster.rest.checkpoints(r.jobId)).latest.restored;
      seen(c ? `${c.external_path} (savepoint: ${c.is_savepoint})` : 'nothing restored');
      return c ?? undefined;
    },
    { timeoutMs: bound(r, 60_000), diagnose: () => cluster.diagnose(r.jobId) },
  );
  expect(samePath(restored.external_path, location), `restored ${restored.external_path}, savepoint ${location}`).toBe(true);
  expect(restored.is_savepoint).toBe(true);
}
