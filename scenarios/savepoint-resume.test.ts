import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { SAVEPOINTS_DIR } from '../containers/cluster.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { stopWithSavepoint, submitJob, waitForJobRunning, type Via } from '../faults/job-operations.js';
import { WINDOW_MS } from '../history/types.js';
import { folderContents, jobSwitches, readOutputToEnd, restoredFrom, waitForJobState, windowStartsRead } from './harness/job-lifecycle.js';
import { restoredSavepoint } from '../history/restore-outcome.js';
import { runProfileCells } from './harness/profile-draw.js';
import { runSubmissionPaths } from './harness/submission-draw.js';
import { runScenario } from './harness/scenario.js';
import { writePhaseOne } from './harness/input-phases.js';

// Playground operation 7 + 8, "Upgrade": stop the job with a savepoint, write
// more input while it is down, resume it unchanged from the savepoint, and no
// window is lost across the stop.
//
// Input: 8 windows of 6000 clicks in two phases. Phase 1 (windows 0-3) is
// written while the job runs; the generator then holds WITHOUT closing window
// 3, so at the stop window 3 is complete in Kafka but has not fired: it spans
// the stop, its partial count carried by the savepoint. Phase 2 (windows 4-7 and the closing events) is
// written while the job is stopped: the backlog the resumed job must catch up.

const WINDOWS = 8;
const PHASE_1_WINDOWS = 4;
/** The playground job's arguments as the job reports them back (a switch without value reads JobArguments.NO_VALUE). */
const EXPECTED_SWITCHES = { 'bootstrap.servers': 'kafka:9092', checkpointing: '__NO_VALUE_KEY', 'event-time': '__NO_VALUE_KEY' };

// Smoke: one submission path, drawn by seed; nightly: both.
describe.each<Via>(runSubmissionPaths('savepoint-resume'))('stop with savepoint and resume, via %s', (via) => {
  // Any profile: its savepoint format goes with the stop, its restore mode with the resume.
  // Smoke: one cell, a profile drawn by seed; nightly: the CLI path once per profile.
  for (const cell of via === 'cli' ? runProfileCells(`savepoint-resume-${via}`, () => undefined) : [{ name: `savepoint-resume-${via}`, title: '' }])
  test(`flink ${via === 'cli' ? 'stop / flink run -s' : 'POST /jobs/<id>/stop / POST /jars/<id>/run savepointPath'}: no window lost across the stop${cell.title}`, async () => {
    await runScenario(cell.name, { profiles: () => undefined, ...(cell.profile ? { profile: cell.profile } : {}) }, async (s) => {
      const t0 = Date.now();
      const first = await submitJob(s, PLAYGROUND_JOB, { via });
      await waitForJobRunning(s, first.jobId);
      expect(await jobSwitches(s.cluster, first.jobId), 'program arguments the job received').toMatchObject(EXPECTED_SWITCHES);

      // Windows 0-2 are closed by phase 1's own events; wait until the running job wrote them.
      const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output before the stop');
      const closedBeforeStop = (PHASE_1_WINDOWS - 1) * WINDOW_MS;
      expect(windowStartsRead(s.tap)).toEqual([0, 1, 2].map((w) => w * WINDOW_MS));

      // ---- stop with savepoint ----
      const stopStarted = Date.now();
      const stopped = await stopWithSavepoint(s, first.jobId, via);
      s.extra.stopWithSavepointMs = Date.now() - stopStarted;
      s.extra.savepointPath = stopped.location;
      expect(stopped.location).toMatch(new RegExp(`^file:(//)?${SAVEPOINTS_DIR}/savepoint-[0-9a-f]{6}-[0-9a-f]{12}$`));
      if (via === 'cli') {
        const out = stopped.cli!.stdout;
        s.extra.cliStopOutput = out;
        expect(stopped.cli!.exitCode).toBe(0);
        // What Flink 2.2.1 prints (seen here): 'Suspending job "<id>" with a CANONICAL savepoint.',
        // 'Triggering stop-with-savepoint for job <id>.', 'Waiting for response...',
        // 'Savepoint completed. Path: <location>'. The seed (docs of Flink 1.10) speaks of
        // "Suspending job ..." / "Suspended job ..."; the CLI has no "Suspended job" line
        // (not in 2.2.1's CliFrontend), so the completion line is what is checked.
        expect(out).toMatch(new RegExp(`Suspending job "${first.jobId}" with a (CANONICAL |NATIVE )?savepoint\\.`));
        expect(out).toContain(`Savepoint completed. Path: ${stopped.location}`);
      }
      // The savepoint folder is on the host, with its metadata.
      expect(existsSync(stopped.hostPath), `savepoint folder ${stopped.hostPath} on the host`).toBe(true);
      const contents = await folderContents(stopped.hostPath);
      expect(contents.files).toContain('_metadata');
      s.extra.savepointFiles = contents.files.length;
      s.extra.savepointBytes = contents.bytes;

      // Stopped (not cancelled, not failed): FINISHED, and no job runs any more.
      await waitForJobState(s.cluster, first.jobId, 'FINISHED');
      expect((await s.cluster.rest.jobs()).filter((j) => j.status === 'RUNNING')).toEqual([]);
      // drain=false emits no MAX_WATERMARK: window 3 has not fired. What the job had counted of it
      // is window state in the savepoint; the rest of its input lies behind the savepoint's offsets.
      await readOutputToEnd(s.cluster, s.tap);
      expect(Math.max(...windowStartsRead(s.tap)), 'no window past phase 1 fired before the stop').toBeLessThan(closedBeforeStop);
      const outputBeforeResume = s.tap.records.length;

      // ---- phase 2 while the job is stopped ----
      generator.resume();
      await generator.done();
      await readOutputToEnd(s.cluster, s.tap);
      expect(s.tap.records.length, 'no output while no job runs').toBe(outputBeforeResume);

      // ---- resume unchanged from the savepoint ----
      const resumeStarted = Date.now();
      const second = await submitJob(s, PLAYGROUND_JOB, { via, savepoint: stopped.location });
      expect(second.jobId).not.toBe(first.jobId);
      if (via === 'cli') expect(second.cli!.exitCode).toBe(0);
      await waitForJobRunning(s, second.jobId);
      expect(await jobSwitches(s.cluster, second.jobId), 'program arguments the resumed job received').toMatchObject(EXPECTED_SWITCHES);
      s.extra.resumeToRunningMs = Date.now() - resumeStarted;
      const restored = await restoredFrom(s.cluster, second.jobId);
      expect(restored, 'GET /jobs/<id>/checkpoints latest.restored').toEqual(restoredSavepoint(stopped.location, s.runProfile.restoreMode));

      // The backlog is processed: every window, including window 3 that spans the stop, counts 1000.
      expect(await s.settle(180_000)).toBe(true);
      s.extra.resumeToSettledMs = Date.now() - resumeStarted;
      expect(Math.max(...windowStartsRead(s.tap))).toBe((WINDOWS - 1) * WINDOW_MS);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      s.extra.scenarioBodyMs = Date.now() - t0;
    });
  });
});
