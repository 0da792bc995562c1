import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { cancelJob, hostPathOf, submitJob, waitForJobRunning, type Via } from '../faults/job-operations.js';
import { WINDOW_MS } from '../history/types.js';
import { vertexParallelism, waitForJobState, windowStartsRead } from './harness/job-lifecycle.js';
import { writePhaseOne } from './harness/input-phases.js';
import { harnessRun, runScenario } from './harness/scenario.js';

// Rescale from a retained checkpoint, not a savepoint (#10 part 2; the shape
// of FLINK-38544 and FLINK-39964): checkpoints retained on cancellation, the
// job cancelled mid-input, resumed from its latest checkpoint with `flink run
// -s <checkpoint> -p 2` (or REST savepointPath + parallelism) under the
// profile's restore mode. The restore mode's own evidence (NO_CLAIM: the
// checkpoint kept and the first checkpoint after it full; CLAIM: Flink owns it
// and deletes it once subsumed) is judged by the profile read-back, the
// counts by the oracle. Smoke: NO_CLAIM via the CLI. Nightly: CLAIM too, and REST.

const WINDOWS = 8;
const PHASE_1_WINDOWS = 4;
const RETAIN = { 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION' };
const nightly = harnessRun().settings.tier === 'nightly';

const cells: [string, Via][] = nightly ? [['no-claim', 'cli'], ['claim', 'cli'], ['no-claim', 'rest'], ['claim', 'rest']] : [['no-claim', 'cli']];

describe.each(cells)('rescale from a retained checkpoint, profile %s, via %s', (profile, via) => {
  test('cancelled mid-input, resumed from its latest checkpoint at p=2: no window lost, the restore mode as the profile says', async () => {
    await runScenario(`retained-checkpoint-${profile}-${via}`, { profile, taskManagers: 1, flinkProperties: RETAIN }, async (s) => {
      const first = await submitJob(s, PLAYGROUND_JOB, { via });
      await waitForJobRunning(s, first.jobId);
      const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output before the cancel');

      // A checkpoint taken after phase 1 was read: it holds the open window's partial count.
      const before = await waitFor(
        `a completed checkpoint of job ${first.jobId} after phase 1`,
        async (seen) => {
          const stats = await s.cluster.rest.checkpoints(first.jobId);
          const c = stats.latest.completed;
          seen(`latest completed ${c ? `${c.id} at ${c.latest_ack_timestamp}` : 'none'}`);
          return c && c.latest_ack_timestamp > Date.now() - 1_000 && !c.is_savepoint ? c : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, diagnose: () => s.cluster.diagnose(first.jobId) },
      );
      await cancelJob(s, first.jobId);
      await waitForJobState(s.cluster, first.jobId, 'CANCELED');
      // The retained one is the latest completed at the cancel: a checkpoint may complete between the read above and the
      // cancel and subsume it (seen in CI: chk-6 completed 18 ms before the cancel, chk-5 was gone).
      const checkpoint = (await s.cluster.rest.checkpoints(first.jobId)).latest.completed;
      expect(checkpoint?.id, `latest completed checkpoint of the cancelled job ${first.jobId} (was ${before.id} before the cancel)`).toBeGreaterThanOrEqual(before.id);
      expect(checkpoint?.is_savepoint, 'the latest completed snapshot is a checkpoint').toBe(false);
      if (!checkpoint) return;
      const location = checkpoint.external_path;
      const onHost = hostPathOf(s.cluster, location);
      s.extra.retainedCheckpoint = { id: checkpoint.id, location, onHost };
      expect(existsSync(onHost), `retained checkpoint ${onHost} on the host after the cancel`).toBe(true);

      generator.resume(); // phase 2 while no job runs
      await generator.done();

      const second = await submitJob(s, PLAYGROUND_JOB, { via, savepoint: location, parallelism: 2 });
      const running = await waitForJobRunning(s, second.jobId);
      expect(Object.values(vertexParallelism(running)), 'every vertex at p=2').toEqual(Object.values(vertexParallelism(running)).map(() => 2));
      const restored = (await s.cluster.rest.checkpoints(second.jobId)).latest.restored;
      // The id and path of the retained checkpoint. Not is_savepoint: Flink 2.2.1 reports a NO_CLAIM restore of a
      // checkpoint as a savepoint (it restores it with unclaimed-snapshot properties; seen here).
      expect(restored, 'GET /jobs/<id>/checkpoints latest.restored').toMatchObject({ id: checkpoint.id, external_path: location });
      s.extra.restoredAs = restored;

      expect(await s.settle(180_000)).toBe(true);
      expect(Math.max(...windowStartsRead(s.tap))).toBe((WINDOWS - 1) * WINDOW_MS);
      expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
    });
  });
});
