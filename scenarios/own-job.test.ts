import { describe, expect, inject, test } from 'vitest';
import { describeOutcome, type ScenarioOutcome } from '../assertions/outcome.js';
import { cacheDir } from '../config/settings.js';
import { prepareImages, type ClusterImages } from '../containers/images/index.js';
import { ensureJobJar } from '../containers/images/job-jar.js';
import { recorded } from '../faults/context.js';
import { stopWithSavepoint, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { FRESH_REST_PROPERTIES } from './harness/fault-timing.js';
import { restoredFrom, waitForJobState } from './harness/job-lifecycle.js';
import { imagesFor, judgeOwnJob, ownGenerator, ownJob, submitOwnJob, waitForDistinctOutput, type OwnJob, type OwnJobJudgment } from './harness/own-job.js';
import { runScenario, type Scenario } from './harness/scenario.js';
import { markInconclusive } from './harness/scenario-outcome.js';

// Your own job under the playground's operations: the job a declaration names
// (HARNESS_JOB=<file>, `npm start -- --job <file>`), by default the built-in
// Event Deduplication job (jobs/dedup.yaml: keyed state, one output record per
// distinct input event, input with duplicates on purpose). Each scenario
// feeds it from the declaration's generator, applies one operation, fences it
// and judges the output with the differential oracle (reference: the distinct
// input for the dedup job, fault-free reference runs for a declared one) and,
// where the declaration names an id, record by record (lost, duplicated,
// unexpected ids). Kill runs in the smoke tier; savepoint, rescale and the
// calibration mutant nightly.

const run = inject('harness');
const nightly = process.env.HARNESS_TIER === 'nightly' || run.settings.tier === 'nightly';
const job = ownJob();
const name = job.declaration.name;
/** Distinct events per scenario at the declared rate (~15 s of input with its copies at 2000/s). */
const EVENTS = 24_000;

/** A judgment that must pass: fail fails the test, inconclusive skips it with its reason (after the scenario). */
async function mustPass(judged: OwnJobJudgment | undefined): Promise<void> {
  if (!judged) throw new Error('the scenario ended without a judgment');
  if (judged.outcome.outcome === 'inconclusive') await markInconclusive(judged.outcome);
}

function expectJudged(judged: OwnJobJudgment): void {
  if (judged.outcome.outcome === 'fail') expect.fail(`own job ${name}: ${describeOutcome(judged.outcome)}`);
}

/** Kill the only TaskManager while input flows, start it again: the job restores its last checkpoint. */
async function killAndRecover(s: Scenario, j: OwnJob, judgedAs: 'pass' | 'fail' = 'pass'): Promise<OwnJobJudgment> {
  const { jobId } = await submitOwnJob(s, j);
  await waitForJobRunning(s, jobId);
  const generator = ownGenerator(s, j, { events: EVENTS }).start();
  // Some output and two completed checkpoints first, so the restore has state to bring back.
  expect(await waitForDistinctOutput(s, j, 4_000), 'output before the kill').toBe(true);
  await waitForCheckpoints(s, jobId, 2);
  const before = generator.ledger.snapshot();
  await killTaskManager(s);
  const killedAt = Date.now();
  await s.cluster.waitForTaskManagers(0, { timeoutMs: 30_000 }).catch(() => s.history.note('the JobManager still listed the killed TaskManager'));
  await startTaskManager(s);
  await s.cluster.waitForTaskManagers(1);
  await waitForJobRunning(s, jobId);
  s.extra.recoveryMs = Date.now() - killedAt;
  s.extra.inputAtKill = before;
  const restored = await restoredFrom(s.cluster, jobId);
  expect(restored?.isSavepoint, 'restored from a checkpoint').toBe(false);
  await generator.done();
  await waitForDistinctOutput(s, j, generator.ledger.values.size);
  return judgeOwnJob(s, j, generator, undefined, judgedAs);
}

/**
 * Stop with a savepoint halfway, write the second half while no job runs, resume (at `parallelism`;
 * after `between`, e.g. an upgrade of the cluster's Flink).
 */
async function stopAndResume(s: Scenario, j: OwnJob, parallelism?: number, between?: () => Promise<void>): Promise<OwnJobJudgment> {
  const first = await submitOwnJob(s, j);
  await waitForJobRunning(s, first.jobId);
  const generator = ownGenerator(s, j, { events: EVENTS, pauseAfterEvents: [EVENTS / 2] }).start();
  await generator.paused();
  expect(await waitForDistinctOutput(s, j, EVENTS / 2), 'the first half written before the stop').toBe(true);
  const sp = await stopWithSavepoint(s, first.jobId, 'cli');
  await waitForJobState(s.cluster, first.jobId, 'FINISHED');
  s.extra.savepoint = sp.location;
  // The second half, and the copies of first-half events, reach Kafka while no job runs.
  generator.resume();
  await generator.done();
  await between?.();
  const resumed = await submitOwnJob(s, j, { savepoint: sp.location, parallelism });
  const running = await waitForJobRunning(s, resumed.jobId);
  if (parallelism) expect(new Set(running.vertices.map((v) => v.parallelism)), 'every vertex at the new parallelism').toEqual(new Set([parallelism]));
  expect(await restoredFrom(s.cluster, resumed.jobId)).toEqual({ isSavepoint: true, path: sp.location });
  await waitForDistinctOutput(s, j, generator.ledger.values.size);
  return judgeOwnJob(s, j, generator);
}

async function waitForCheckpoints(s: Scenario, jobId: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const completed = (await s.cluster.rest.checkpoints(jobId)).counts.completed;
    if (completed >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${completed} completed checkpoint(s) of job ${jobId} within 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe(`own job ${name} (${job.declaration.sink})`, () => {
  test('kill the TaskManager: restored from its checkpoint, output matches the reference', async () => {
    let judged: OwnJobJudgment | undefined;
    await runScenario(`own-job-${name}-kill`, { flinkProperties: FRESH_REST_PROPERTIES, images: imagesFor(job, run.images), outputIsolation: readIsolation(job) }, async (s) => {
      judged = await killAndRecover(s, job);
      expectJudged(judged);
    });
    await mustPass(judged);
  });

  describe.runIf(nightly)('nightly', () => {
    test('stop with savepoint, input while stopped, resume: output matches the reference', async () => {
      let judged: OwnJobJudgment | undefined;
      await runScenario(`own-job-${name}-savepoint-resume`, { images: imagesFor(job, run.images), outputIsolation: readIsolation(job) }, async (s) => {
        judged = await stopAndResume(s, job);
        expectJudged(judged);
      });
      await mustPass(judged);
    });

    test('rescale through a savepoint, parallelism 1 -> 2: keyed state redistributed, output matches the reference', async () => {
      let judged: OwnJobJudgment | undefined;
      await runScenario(`own-job-${name}-rescale`, { taskManagers: 1, images: imagesFor(job, run.images), outputIsolation: readIsolation(job) }, async (s) => {
        judged = await stopAndResume(s, job, 2);
        expectJudged(judged);
      });
      await mustPass(judged);
    });
  });

  describe.runIf(nightly)('upgrade', () => {
    const { from, to } = run.settings.upgrade;
    test(`stop with savepoint on ${from}, resume on ${to}: output matches the reference across the upgrade`, async () => {
      const [a, b] = await Promise.all([imagesOf(from), imagesOf(to)]);
      let judged: OwnJobJudgment | undefined;
      await runScenario(`own-job-${name}-upgrade-${from}-to-${to}`, { images: imagesFor(job, a) ?? a, outputIsolation: readIsolation(job) }, async (s) => {
        judged = await stopAndResume(s, job, undefined, async () => {
          const target = imagesFor(job, b) ?? b;
          await recorded(s, 'operation', 'replace-flink', `${from} -> ${to}`, () => s.cluster.replaceFlink(to, target.flinkImage, target.jobJar));
          expect((await s.cluster.rest.overview())['flink-version']).toBe(to);
        });
        expectJudged(judged);
      });
      await mustPass(judged);
    });
  });

  // Calibration: a dedup job whose seen ids live on the heap must be caught by the kill scenario.
  describe.runIf(nightly && job.declaration.entryClass.endsWith('.dedup.EventDeduplication'))('calibration', () => {
    test('mutant dedup-state-not-restored (seen ids outside Flink state) is caught after the kill', async () => {
      const jar = await ensureJobJar(cacheDir(run.settings), run.images.release, { mutant: 'dedup-state-not-restored' });
      let outcome: ScenarioOutcome | undefined;
      await runScenario(`own-job-${name}-kill-mutant-dedup-state-not-restored`, { flinkProperties: FRESH_REST_PROPERTIES, images: imagesFor(job, run.images, jar), outputIsolation: readIsolation(job) }, async (s) => {
        outcome = (await killAndRecover(s, job, 'fail')).outcome;
        s.extra.control = { mutant: 'dedup-state-not-restored', expect: 'fail', outcome: outcome.outcome };
      });
      expect(outcome?.outcome, `the mutant must fail the judgment:\n${outcome ? describeOutcome(outcome) : 'no judgment'}`).toBe('fail');
      const codes = outcome!.reasons.filter((r) => r.effect === 'fail').map((r) => r.code);
      expect(codes.some((c) => c === 'differential.duplicate' || c === 'record-ids.duplicated' || c === 'differential.missing' || c === 'record-ids.lost'), codes.join(', ')).toBe(true);
    });
  });
});

async function imagesOf(version: string): Promise<ClusterImages> {
  return version === run.images.release.version ? run.images : prepareImages(run.settings, version);
}

function readIsolation(j: OwnJob): 'read_committed' | 'read_uncommitted' {
  return j.declaration.sink === 'exactly-once' ? 'read_committed' : 'read_uncommitted';
}
