import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { allTasksRunning, type JobDetails } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { rescaleInPlace, submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { scaleTaskManagers } from '../faults/taskmanager.js';
import { adaptiveRescaleProperties, FRESH_REST_PROPERTIES } from './harness/fault-timing.js';
import { vertexParallelism } from './harness/job-lifecycle.js';
import { waitForCheckpointsAndOutput } from './harness/output-progress.js';
import { harnessRun, runScenario, type Scenario } from './harness/scenario.js';

// Rescaling without a savepoint (#10 part 2): under the adaptive scheduler,
// PUT /jobs/<id>/resource-requirements changes the bounds of a running job and
// Flink rescales it in place: same job id, restarted from its latest
// checkpoint at the new parallelism. Up from 1 to 2 on one TaskManager, up to
// 4 once a second TaskManager brings its slots, down to 1 again, all while
// the generator writes; the oracle judges every window across the three.

/** Event time 20x wall time: a window every 0.75 s; every rescale lands while windows are open. */
const SPEEDUP = 20;

/** Waits until every vertex runs at `p` with all tasks RUNNING, under the same job id; returns when it did. */
async function waitForParallelism(s: Scenario, jobId: string, p: number): Promise<JobDetails> {
  return waitFor(
    `job ${jobId} rescaled in place to p=${p} with all tasks RUNNING`,
    async (seen) => {
      const job = await s.cluster.rest.job(jobId);
      const ps = vertexParallelism(job);
      seen(`${job.state}, parallelism ${JSON.stringify(ps)}`);
      return allTasksRunning(job) && Object.values(ps).every((x) => x === p) ? job : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, diagnose: () => s.cluster.diagnose(jobId) },
  );
}

describe('adaptive scheduler: rescale without a savepoint', () => {
  test('PUT /jobs/<id>/resource-requirements: 1 -> 2 -> 4 (a TaskManager added) -> 1, same job, every window counts 1000', async () => {
    const version = harnessRun().images.release.version;
    await runScenario('adaptive-rescale', { profile: 'adaptive', taskManagers: 1, flinkProperties: { ...FRESH_REST_PROPERTIES, ...adaptiveRescaleProperties(version) } }, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest', parallelism: 1 });
      await waitForJobRunning(s, jobId);
      const generator = s.generator({ mode: 'paced', speedup: SPEEDUP, windows: 40 }).start();
      await waitForCheckpointsAndOutput(s, jobId, 2);

      const steps: { to: number; ms: number; restoredCheckpoint?: number }[] = [];
      const rescale = async (to: number) => {
        const before = (await s.cluster.rest.checkpoints(jobId)).latest.restored?.id ?? 0;
        const t = Date.now();
        await rescaleInPlace(s, jobId, to);
        await waitForParallelism(s, jobId, to);
        // In place: the job restarted from one of its own checkpoints, newer than the last restore
        // (checkpoint statistics lag the job's details by up to their cache timeout: waited for, bounded).
        const restored = await waitFor(
          `latest.restored of job ${jobId} newer than ${before} after the rescale to p=${to}`,
          async (seen) => {
            const id = (await s.cluster.rest.checkpoints(jobId)).latest.restored?.id ?? 0;
            seen(`latest.restored ${id || 'none'}`);
            return id > before ? id : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 250, diagnose: () => s.cluster.diagnose(jobId) },
        );
        steps.push({ to, ms: Date.now() - t, restoredCheckpoint: restored });
        await waitForCheckpointsAndOutput(s, jobId, 2);
      };

      await rescale(2); // the one TaskManager's two slots
      await scaleTaskManagers(s, 2);
      await s.cluster.waitForTaskManagers(2);
      await rescale(4);
      await rescale(1);
      s.extra.adaptiveRescales = steps;
      expect((await s.cluster.rest.jobs()).filter((j) => j.status === 'RUNNING').map((j) => j.id), 'one job, the same id throughout').toEqual([jobId]);

      await generator.done();
      expect(await s.settle(120_000), 'every settled window x page in output').toBe(true);
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });
});
