import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { allTasksRunning, taskCounts, type JobDetails } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { stopWithSavepoint, submitJob, waitForJobRunning, type Via } from '../faults/job-operations.js';
import { scaleTaskManagers } from '../faults/taskmanager.js';
import { WINDOW_MS } from '../history/types.js';
import { restoredFrom, vertexParallelism, waitForJobState, windowStartsRead } from './harness/job-lifecycle.js';
import { restoredSavepoint } from '../history/restore-outcome.js';
import { fits, runProfileCells } from './harness/profile-draw.js';
import { runSubmissionPaths } from './harness/submission-draw.js';
import { runScenario, type Scenario } from './harness/scenario.js';

// Playground operation 9, "Rescale": resume from a savepoint with parallelism
// 3 while one TaskManager (2 slots) exists. The job cannot start: its tasks
// wait for a third slot. A second TaskManager arrives and the job starts by
// itself with parallelism 3 on every vertex. Then back down: stop with
// savepoint, one TaskManager again, resume with parallelism 1. No window is
// lost across either rescale.
//
// Input, 6 windows in three phases: windows 0-1 at parallelism 1, windows 2-3
// written while the job is stopped and then read at parallelism 3, windows
// 4-5 written while stopped again and read at parallelism 1. With parallelism
// 3 and 2 input partitions one source subtask reads nothing; the job's
// watermark strategy (withIdleness 5 s) keeps it from holding back the windows.

const WINDOWS = 6;
/** How long the job must sit without all tasks RUNNING while 2 slots are short of 3. */
const STARVED_OBSERVATION_MS = 10_000;

// Smoke: one submission path, drawn by seed; nightly: both.
describe.each<Via>(runSubmissionPaths('rescale'))('rescale from a savepoint, via %s', (via) => {
  const how = via === 'cli' ? 'flink run -s <sp> -p N' : 'POST /jars/<id>/run {savepointPath, parallelism: N}';
  // Smoke: one cell, a profile drawn by seed; nightly: the CLI path once per profile the body fits.
  for (const cell of via === 'cli' ? runProfileCells(`rescale-${via}`, fits.defaultScheduler) : [{ name: `rescale-${via}`, title: '' }])
  test(`${how}: 1 -> 3 waits for a second TaskManager, then 3 -> 1; every window counts 1000${cell.title}`, async () => {
    await runScenario(cell.name, { taskManagers: 1, profiles: fits.defaultScheduler, ...(cell.profile ? { profile: cell.profile } : {}) }, async (s) => {
      const generator = s.generator({ mode: 'fast', windows: WINDOWS, pauseAfterWindows: [2, 4] });

      // ---- parallelism 1 (the cluster's default) ----
      const p1 = await submitJob(s, PLAYGROUND_JOB, { via });
      expect(everyVertex(await waitForJobRunning(s, p1.jobId))).toBe(1);
      generator.start();
      await generator.paused();
      expect(await s.settle(120_000), 'output of phase 1 at parallelism 1').toBe(true);
      const sp1 = await stopWithSavepoint(s, p1.jobId, via);
      await waitForJobState(s.cluster, p1.jobId, 'FINISHED');
      s.extra.savepoint1 = sp1.location;

      generator.resume();
      await generator.paused(); // windows 2-3 written while no job runs

      // ---- up to parallelism 3 with 2 slots: the job waits ----
      const slots = await s.cluster.rest.overview();
      expect({ taskManagers: slots.taskmanagers, slots: slots['slots-total'] }).toEqual({ taskManagers: 1, slots: 2 });
      const p3 = await submitJob(s, PLAYGROUND_JOB, { via, savepoint: sp1.location, parallelism: 3 });
      const starved = await observeStarved(s, p3.jobId);
      s.extra.starvedObservation = starved.summary;
      expect(starved.everAllRunning, `with 2 slots for parallelism 3 no observation may show all tasks RUNNING: ${starved.summary.join(' | ')}`).toBe(false);
      expect(starved.last.state, 'job state while its tasks wait for slots').toMatch(/^(CREATED|RUNNING|RESTARTING|INITIALIZING)$/);
      expect(everyVertex(starved.last), 'parallelism of the waiting job').toBe(3);
      const waiting = taskCounts(starved.last);
      expect((waiting.SCHEDULED ?? 0) + (waiting.CREATED ?? 0), `tasks waiting for slots: ${JSON.stringify(waiting)}`).toBeGreaterThan(0);

      // A second TaskManager: the job starts by itself, nobody resubmits it.
      const added = Date.now();
      await scaleTaskManagers(s, 2);
      const running3 = await waitForJobRunning(s, p3.jobId, 180_000);
      s.extra.secondTaskManagerToRunningMs = Date.now() - added;
      expect(vertexParallelism(running3)).toEqual(Object.fromEntries(running3.vertices.map((v) => [v.name, 3])));
      expect(running3.vertices.length).toBe(5);
      expect(await restoredFrom(s.cluster, p3.jobId)).toEqual(restoredSavepoint(sp1.location, s.runProfile.restoreMode));
      const tms = await s.cluster.rest.taskManagers();
      expect(tms.map((t) => t.slotsNumber - t.freeSlots).reduce((a, b) => a + b, 0), 'slots in use at parallelism 3').toBe(3);
      expect(await s.settle(180_000), 'output of phase 2 at parallelism 3').toBe(true);
      expect(Math.max(...windowStartsRead(s.tap))).toBe(2 * WINDOW_MS);

      // ---- back down to parallelism 1 on one TaskManager ----
      const sp3 = await stopWithSavepoint(s, p3.jobId, via);
      await waitForJobState(s.cluster, p3.jobId, 'FINISHED');
      s.extra.savepoint3 = sp3.location;
      await scaleTaskManagers(s, 1);
      await s.cluster.waitForTaskManagers(1);
      generator.resume();
      await generator.done(); // windows 4-5 and the closing events, while no job runs

      const down = await submitJob(s, PLAYGROUND_JOB, { via, savepoint: sp3.location, parallelism: 1 });
      const running1 = await waitForJobRunning(s, down.jobId);
      expect(everyVertex(running1)).toBe(1);
      expect(await restoredFrom(s.cluster, down.jobId)).toEqual(restoredSavepoint(sp3.location, s.runProfile.restoreMode));

      expect(await s.settle(180_000), 'output of phase 3 at parallelism 1').toBe(true);
      expect(Math.max(...windowStartsRead(s.tap))).toBe((WINDOWS - 1) * WINDOW_MS);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
    });
  });
});

/** The one parallelism all vertices share, or a description of the mix (which fails a toBe(n)). */
function everyVertex(job: JobDetails): number | string {
  const ps = new Set(job.vertices.map((v) => v.parallelism));
  return ps.size === 1 ? [...ps][0]! : JSON.stringify(vertexParallelism(job));
}

/**
 * Watches the job for STARVED_OBSERVATION_MS (bounded): whether any poll saw
 * every task RUNNING, and what each poll saw (for the report).
 */
async function observeStarved(s: Scenario, jobId: string): Promise<{ everAllRunning: boolean; last: JobDetails; summary: string[] }> {
  const until = Date.now() + STARVED_OBSERVATION_MS;
  const summary: string[] = [];
  let everAllRunning = false;
  let last: JobDetails | undefined;
  while (Date.now() < until || !last) {
    const job = await s.cluster.rest.job(jobId).catch(() => undefined);
    if (job) {
      last = job;
      everAllRunning ||= allTasksRunning(job);
      const line = `${job.state} ${JSON.stringify(taskCounts(job))}`;
      if (summary.at(-1) !== line) summary.push(line);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { everAllRunning, last, summary };
}
