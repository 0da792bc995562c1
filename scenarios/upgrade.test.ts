import { existsSync } from 'node:fs';
import { cp, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeRestoreOutcome, expectRestored } from '../assertions/expect-restored.js';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { loadSettings } from '../config/settings.js';
import { describeFlinkBuild } from '../containers/artifacts/flink-release.js';
import { prepareImages, type ClusterImages } from '../containers/images/index.js';
import { PLAYGROUND_JOB, type JobSpec } from '../config/job-spec.js';
import { recorded } from '../faults/context.js';
import { stopWithSavepoint, submitJob, waitForJobRunning, type StoppedWithSavepoint } from '../faults/job-operations.js';
import { resumeFromSavepoint, type RestoreOutcome } from '../faults/restore-outcome.js';
import { WINDOW_MS } from '../history/types.js';
import type { ClickGenerator } from '../workload/click-generator.js';
import { jobSwitches, windowStartsRead } from './harness/job-lifecycle.js';
import { writePhaseOne } from './harness/input-phases.js';
import { harnessRun, runScenario, type Scenario } from './harness/scenario.js';
import { runVariants } from './harness/variant-draw.js';

// The upgrade path of the playground, across Flink releases: run on A, stop
// with savepoint, bring up B's JobManager and TaskManagers on the same Kafka
// and checkpoint/savepoint storage, resume from A's savepoint with B's build
// of the job, and let the oracle judge the output across the upgrade.
// Versions: HARNESS_UPGRADE_FROM / HARNESS_UPGRADE_TO (default 1.20.3 -> 2.2.1).

const { from, to } = loadSettings().upgrade;
const WINDOWS = 8;
const PHASE_1_WINDOWS = 4;
/** How the job reports a switch without a value among its global job parameters. */
const NO_VALUE = '__NO_VALUE_KEY';
const nightly = loadSettings().tier === 'nightly';
const EXACTLY_ONCE_JOB: JobSpec = { ...PLAYGROUND_JOB, exactlyOnce: true };
// Smoke: one sink per pair, drawn by seed (each pair of a matrix draws its own); nightly: both.
const sinks = runVariants(`upgrade:${from}->${to}`, ['at-least-once', 'exactly-once']);

async function imagesOf(version: string): Promise<ClusterImages> {
  const run = harnessRun();
  return version === run.images.release.version ? run.images : prepareImages(run.settings, version);
}

/** Replaces the cluster's Flink by another release's, as one recorded operation; checks which release answers. */
async function replaceFlink(s: Scenario, images: ClusterImages): Promise<void> {
  const before = s.cluster.spec.flinkVersion;
  await s.cluster.saveLogs(path.join(s.dir, `logs-flink-${before}`)).then((files) => {
    s.extra[`logsOfFlink${before.replaceAll('.', '_')}`] = files;
  });
  await recorded(s, 'operation', 'replace-flink', `${before} -> ${images.release.version}`, () =>
    s.cluster.replaceFlink(images.release.version, images.flinkImage, images.jobJar),
  );
  expect((await s.cluster.rest.overview())['flink-version']).toBe(images.release.version);
}

/** A copy of the savepoint whose _metadata header is overwritten: no Flink release can read it. */
async function corruptCopy(savepoint: StoppedWithSavepoint): Promise<string> {
  await cp(savepoint.hostPath, `${savepoint.hostPath}-corrupt`, { recursive: true });
  const file = await open(path.join(`${savepoint.hostPath}-corrupt`, '_metadata'), 'r+');
  await file.write(Buffer.alloc(8, 0x5a), 0, 8, 0);
  await file.close();
  return `${savepoint.location}-corrupt`;
}

/**
 * A copy of the savepoint with every state file removed (only _metadata
 * left): Flink reads the metadata, deploys the tasks, and they fail while
 * restoring state, over and over (the job restarts forever).
 */
async function copyWithoutStateFiles(savepoint: StoppedWithSavepoint): Promise<{ location: string; removed: string[] }> {
  const dir = `${savepoint.hostPath}-no-state-files`;
  await cp(savepoint.hostPath, dir, { recursive: true });
  const removed = (await readdir(dir)).filter((f) => f !== '_metadata');
  for (const f of removed) await rm(path.join(dir, f), { recursive: true, force: true });
  return { location: `${savepoint.location}-no-state-files`, removed };
}

/**
 * State in files, not inlined into _metadata (default: below 20 KB, i.e. all
 * of this job's state), so a state file can go missing in the control below.
 * Both keys: 1.20's name and 2.x's.
 */
const STATE_IN_FILES = { 'state.storage.fs.memory-threshold': '0', 'execution.checkpointing.data-inline-threshold': '0' };

/** What the report keeps of an outcome (the exception text trimmed to what a person reads). */
const forReport = (o: RestoreOutcome) => ({ ...o, ...('exception' in o ? { exception: o.exception.slice(0, 4_000) } : {}), summary: describeRestoreOutcome(o) });

/**
 * Phase 1 on A: the job runs, windows 0-3 are written, and the generator holds
 * without closing window 3, so at the stop window 3's count lives only in A's
 * savepoint. Then stop with savepoint (CLI).
 */
async function runOnAThenStop(s: Scenario, job: JobSpec): Promise<{ generator: ClickGenerator; savepoint: StoppedWithSavepoint }> {
  const a = await submitJob(s, job, { via: 'cli' });
  await waitForJobRunning(s, a.jobId);
  // A's own version: `from` may name a local distribution (dist:<path>) that carries it.
  expect((await s.cluster.rest.overview())['flink-version']).toBe(s.images.release.version);
  const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output on A');
  expect(windowStartsRead(s.tap), 'windows A wrote before the stop').toEqual([0, 1, 2].map((w) => w * WINDOW_MS));
  const savepoint = await stopWithSavepoint(s, a.jobId, 'cli');
  expect(existsSync(path.join(savepoint.hostPath, '_metadata')), `${savepoint.hostPath}/_metadata`).toBe(true);
  return { generator, savepoint };
}

describe('upgrade', () => {
  test.runIf(sinks.has('at-least-once'))(`Flink ${from} -> ${to}: a savepoint of ${from} resumes on ${to} with ${to}'s build of the job; every window counts what Kafka acknowledged`, async () => {
    const A = await imagesOf(from);
    const B = await imagesOf(to);
    await runScenario(`upgrade-${A.release.version}-to-${B.release.version}`, { images: A, flinkProperties: STATE_IN_FILES }, async (s) => {
      // Each side's build (PyPI's release or a local distribution with its sha256) and image tag.
      s.extra.upgrade = { from, to, kafkaConnectorFrom: A.release.kafkaConnector, kafkaConnectorTo: B.release.kafkaConnector, buildFrom: describeFlinkBuild(A.release, A.flinkImage), buildTo: describeFlinkBuild(B.release, B.flinkImage) };

      const { generator, savepoint } = await runOnAThenStop(s, PLAYGROUND_JOB);
      const downFrom = Date.now();
      // Phase 2 (windows 4-7 and the closing events) while no job runs: B's backlog.
      generator.resume();

      await replaceFlink(s, B);

      // Negative controls: savepoints Flink cannot restore are reported as an
      // incompatible savepoint with Flink's own message, not as a timeout:
      // (1) unreadable metadata fails the submission itself;
      const control = await resumeFromSavepoint(s, PLAYGROUND_JOB, await corruptCopy(savepoint), { timeoutMs: 90_000 });
      s.extra.corruptSavepointControl = forReport(control);
      expect(control, describeRestoreOutcome(control)).toMatchObject({ kind: 'incompatible savepoint', reason: 'state-format', source: 'cli' });
      // (2) missing state files fail the tasks while they restore, and the job restarts forever.
      const noState = await copyWithoutStateFiles(savepoint);
      expect(noState.removed.length, 'state files in the savepoint folder (state kept out of _metadata)').toBeGreaterThan(0);
      const control2 = await resumeFromSavepoint(s, PLAYGROUND_JOB, noState.location, { timeoutMs: 90_000 });
      s.extra.missingStateFilesControl = forReport(control2);
      // A release that cannot read A's _metadata at all (a downgrade across a savepoint format:
      // 1.20.3 reads no "checkpoint version number: 5" of 2.x) refuses this copy before any state
      // file is read; the real resume below is then refused the same way and fails the test
      // (and if it restores after all, this control's expectation is checked there).
      const expectStateRestoreShown = () => expect(control2, describeRestoreOutcome(control2)).toMatchObject({ kind: 'incompatible savepoint', reason: 'state-restore', source: 'exception history', cancelled: true });
      const metadataUnreadable = control2.kind === 'incompatible savepoint' && control2.reason === 'state-format';
      if (!metadataUnreadable) {
        expectStateRestoreShown();
      }

      const outcome = await resumeFromSavepoint(s, PLAYGROUND_JOB, savepoint.location);
      s.extra.restore = forReport(outcome);
      // Where B reads the savepoint after all, the state-files control must have shown a state-restore failure.
      if (metadataUnreadable && outcome.kind === 'restored') {
        expectStateRestoreShown();
      }
      expectRestored(outcome, savepoint.location, s.runProfile.restoreMode);
      s.extra.upgradeDowntimeMs = Date.now() - downFrom;
      expect(await jobSwitches(s.cluster, outcome.jobId), 'program arguments the resumed job received').toMatchObject({ checkpointing: NO_VALUE, 'event-time': NO_VALUE });

      await generator.done();
      expect(await s.settle(180_000), 'all windows after the upgrade').toBe(true);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      // Every window judged: A's (0-2), the one only A's savepoint held (3), B's (4-7).
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      // Stop-with-savepoint is a clean cut: nothing before it is written again after it.
      expect(verdict.summary.duplicateRecords, 'windows written twice across stop-with-savepoint and resume').toBe(0);
    });
  });

  // The exactly-once sink across the upgrade: A's savepoint holds the sink's
  // transactional state (connector line A), which B's connector must take
  // over; `output` is read with read_committed and no window may appear twice.
  test.runIf(sinks.has('exactly-once'))(`Flink ${from} -> ${to}, exactly-once sink: A's savepoint resumes on ${to}; every window in \`output\` exactly once`, async () => {
    const A = await imagesOf(from);
    const B = await imagesOf(to);
    await runScenario(`upgrade-exactly-once-${A.release.version}-to-${B.release.version}`, { images: A, outputIsolation: 'read_committed' }, async (s) => {
      s.extra.upgrade = { from, to, kafkaConnectorFrom: A.release.kafkaConnector, kafkaConnectorTo: B.release.kafkaConnector, sink: 'exactly-once' };
      const { generator, savepoint } = await runOnAThenStop(s, EXACTLY_ONCE_JOB);
      generator.resume();
      await replaceFlink(s, B);
      const outcome = await resumeFromSavepoint(s, EXACTLY_ONCE_JOB, savepoint.location);
      s.extra.restore = forReport(outcome);
      expectRestored(outcome, savepoint.location, s.runProfile.restoreMode);
      expect(await jobSwitches(s.cluster, outcome.jobId), 'program arguments the resumed job received').toMatchObject({ 'exactly-once': NO_VALUE });

      await generator.done();
      expect(await s.settle(180_000), 'all windows after the upgrade, committed').toBe(true);
      const verdict = await s.judge({ sink: 'exactly-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
    });
  });

  // Nightly: the other direction. Flink does not promise that a newer
  // release's savepoint restores on an older one; the harness must report
  // whichever happens with Flink's own words, never a timeout or a crash.
  test.runIf(nightly && from !== to)(`Flink ${to} -> ${from} (downgrade): restored, or an incompatible savepoint in Flink's words`, async () => {
    const A = await imagesOf(from);
    const B = await imagesOf(to);
    await runScenario(`downgrade-${B.release.version}-to-${A.release.version}`, { images: B }, async (s) => {
      const b = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, b.jobId);
      await s.generator({ mode: 'fast', windows: PHASE_1_WINDOWS }).done();
      expect(await s.settle(120_000)).toBe(true);
      const savepoint = await stopWithSavepoint(s, b.jobId, 'cli');
      await replaceFlink(s, A);
      const outcome = await resumeFromSavepoint(s, PLAYGROUND_JOB, savepoint.location, { timeoutMs: 120_000 });
      s.extra.restore = forReport(outcome);
      s.history.note(`downgrade ${to} -> ${from}: ${describeRestoreOutcome(outcome)}`);
      expect(['restored', 'incompatible savepoint'], describeRestoreOutcome(outcome)).toContain(outcome.kind);
      if (outcome.kind === 'incompatible savepoint') expect(outcome.message.length).toBeGreaterThan(0);
    });
  });
});
