import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expectVerdictFails } from '../assertions/expect-verdict.js';
import { info } from '../config/progress.js';
import { cacheDir, loadSettings, REPO_ROOT } from '../config/settings.js';
import { DEDUP_JOB } from '../config/job-spec.js';
import { ensureJobJar } from '../containers/images/job-jar.js';
import { describeSchedule, extractReplayPath, replayCommand } from '../faults/schedule/describe-schedule.js';
import { PathTracker, ShrinkBudget } from '../faults/schedule/fast-check-path.js';
import { describeSteps, type ScheduleReal } from '../faults/schedule/real.js';
import { runSchedule } from '../faults/schedule/run-schedule.js';
import { withTimeout } from '../containers/wait.js';
import { scheduleArbitrary, type Schedule } from '../faults/schedule/schedule-arbitrary.js';
import { ScheduleOutcomeFailed, ScheduleVerdictFailed } from '../faults/schedule/schedule-failure.js';
import { declaredSuite, SCHEDULE_SUITES, suiteEnvironment, suiteRunsIn, suiteSeed, suiteTestName, type ScheduleSuite } from '../faults/schedule/suites.js';
import { SINGLE_NODE_TOPOLOGY, clusterShape, describeTopology } from '../faults/schedule/model.js';
import type { ScenarioResult } from '../reports/run-report.js';
import { profileNamed, releaseCapabilities } from '../containers/profiles/profile.js';
import { adaptiveRescaleProperties, FRESH_REST_PROPERTIES } from './harness/fault-timing.js';
import { fits, profilesFitting } from './harness/profile-draw.js';
import { harnessRun, runScenario } from './harness/scenario.js';
import { markInconclusive } from './harness/scenario-outcome.js';
import { runVariants } from './harness/variant-draw.js';
import type { ScenarioOutcome } from '../assertions/outcome.js';
import { clickWorkload } from '../faults/schedule/click-workload.js';
import { imagesFor, judgeOwnJob, ownJob, type OwnJob } from './harness/own-job.js';
import { declaredWorkload, type DeclaredWorkload } from './harness/own-job-schedule.js';

// Issue 5: property-based fault schedules. fast-check generates schedules of
// operations and faults (model-based: each step has a precondition on the
// model and a check against the real cluster), each runs against a fresh
// cluster, is healed, and the oracle must pass: every window and page exactly
// 1000; identical duplicates tolerated for the at-least-once sink, none for
// the exactly-once sink. The negative control runs the same property against
// the job without --checkpointing and must find a counterexample.

const configured = loadSettings();
/** Slack for teardown and the report on top of the runs' budgets. */
const GRACE_MS = 120_000;

interface RunRecord {
  path: string;
  phase: 'generation' | 'shrink' | 'replay';
  scenario: string;
  status: 'passed' | 'failed' | 'skipped (shrink budget spent)';
  durationMs?: number;
  schedule: string[];
  steps?: string[];
  verdict?: string;
  error?: string;
  /** The run's outcome and, when it did not pass, its decisive reason codes. */
  outcome?: string;
}

/** A declaration given (`npm start -- --job`, HARNESS_JOB): only the own-job suite runs, on that job. */
const declaredJob = Boolean(process.env.HARNESS_JOB);
// Smoke: one of the suites the tier runs, drawn by seed; nightly: every suite.
const drawnSuites = runVariants('fault-schedules', SCHEDULE_SUITES.filter((x) => suiteRunsIn(x, configured.tier, declaredJob)).map((x) => x.id));

for (const listed of SCHEDULE_SUITES) {
  const replay = configured.scheduleReplay?.suite === listed.id ? configured.scheduleReplay : undefined;
  // A replay runs only its suite; the HA suites run nightly (or when replayed), never in smoke.
  const skipped = configured.scheduleReplay !== undefined ? !replay : !drawnSuites.has(listed.id);
  const runs = replay ? 1 : listed.control ? configured.scheduleControlRuns : configured.scheduleRuns;
  const shrinkBudgetMs = listed.control ? 0 : configured.scheduleShrinkBudgetMs;
  const timeout = runs * (configured.scheduleRunBudgetMs + 30_000) + shrinkBudgetMs + GRACE_MS;

  describe.skipIf(skipped)('fault schedules', () => {
    test(suiteTestName(listed), { timeout }, async ({ skip }) => {
      const { settings, runDir } = harnessRun();
      // The own-job suite's job is the declaration's, read only when the suite runs.
      const own = listed.declared ? ownJob() : undefined;
      const suite = own ? declaredSuite(listed, own.spec) : listed;
      // The dedup mutant is a build of the harness's own jar: a team's own job has none.
      if (own && suite.mutant && own.declaration.entryClass !== DEDUP_JOB.entryClass) return skip(`the ${suite.mutant} control runs on the built-in dedup job only, not on ${own.declaration.name}`);
      const profiles = scheduleProfiles(suite);
      if (typeof profiles === 'string') return skip(profiles);
      const seed = replay?.seed ?? suiteSeed(settings.seed, suite);
      const tracker = new PathTracker(replay?.path ?? '');
      const records: RunRecord[] = [];
      const shrinkBudget = new ShrinkBudget(shrinkBudgetMs);
      const started = Date.now();

      const property = fc.asyncProperty(
        scheduleArbitrary({ maxCommands: settings.scheduleMaxCommands, replayPath: replay?.replayPath, forceKill: suite.control, profiles, environment: suiteEnvironment(suite) }),
        async (schedule) => {
          const p = tracker.next();
          const phase = replay && !tracker.shrinking ? 'replay' : tracker.shrinking ? 'shrink' : 'generation';
          const record: RunRecord = { path: p, phase, scenario: `sched-${suite.short}-${p.replaceAll(':', '.')}`, status: 'passed', schedule: describeSchedule(schedule) };
          records.push(record);
          if (shrinkBudget.spent()) {
            // Shrinking is bounded: once its budget is spent, fast-check's remaining candidates are skipped.
            record.status = 'skipped (shrink budget spent)';
            fc.pre(false);
          }
          info(`fault schedule [${suite.id}] path ${p} (${phase}):\n  ${record.schedule.join('\n  ')}`);
          const t = Date.now();
          try {
            await runOne(suite, own, schedule, { seed, path: p, phase, maxCommands: settings.scheduleMaxCommands, replayPath: phase === 'replay' ? replay?.replayPath : undefined }, record);
          } catch (e) {
            tracker.failed();
            shrinkBudget.failed();
            record.status = 'failed';
            record.error = String((e as Error)?.message ?? e).split('\n').slice(0, 12).join('\n');
            throw e;
          } finally {
            record.durationMs = Date.now() - t;
            info(`fault schedule [${suite.id}] path ${p}: ${record.status} in ${(record.durationMs / 1000).toFixed(0)} s`);
          }
        },
      );

      const details = await fc.check(property, {
        seed,
        numRuns: runs,
        endOnFailure: shrinkBudgetMs === 0,
        ...(replay ? { path: replay.path } : {}),
      });

      const counterexample = details.counterexample?.[0] as Schedule | undefined;
      // Needed only when the path has shrink steps; a replay that did not shrink further keeps the one it was given.
      const replayPath = !counterexample || !details.counterexamplePath?.includes(':')
        ? undefined
        : replay && details.counterexamplePath === replay.path
          ? replay.replayPath
          : extractReplayPath(String(counterexample.commands));
      const replayCmd = details.counterexamplePath ? replayCommand({ suite: suite.id, seed: details.seed, path: details.counterexamplePath, maxCommands: settings.scheduleMaxCommands, replayPath, job: declarationArg(own) }) : undefined;
      const summary = {
        suite: suite.id,
        topology: describeTopology(suite.topology),
        seed: details.seed,
        runsAsked: runs,
        runsPassed: records.filter((r) => r.status === 'passed').length,
        failed: details.failed,
        counterexamplePath: details.counterexamplePath,
        replayPath,
        shrinks: details.numShrinks,
        shrinkBudgetMs,
        shrinkAttempts: records.filter((r) => r.phase === 'shrink').length,
        shrinkAttemptsSkipped: shrinkBudget.skipped,
        counterexample: counterexample ? describeSchedule(counterexample) : undefined,
        fastCheckCounterexample: counterexample ? String(counterexample.commands) : undefined,
        replay: replayCmd,
        runs: records.map((r) => `${r.path} ${r.phase} ${r.status}${r.outcome && r.outcome !== 'pass' ? ` [${r.outcome}]` : ''}${r.durationMs ? ` ${(r.durationMs / 1000).toFixed(0)} s` : ''} (${r.scenario})`),
      };
      // A property that held with a run whose fault Flink's records do not confirm is inconclusive, not passed (the control's runs are expected to be rejected, not confirmed).
      const held = details.failed !== suite.control ? 'failed' : 'passed';
      const anyUnconfirmed = !suite.control && records.some((r) => r.outcome?.startsWith('inconclusive'));
      await writeSummary(runDir, suite, settings.flinkVersion, held === 'passed' && anyUnconfirmed ? 'inconclusive' : held, Date.now() - started, summary);
      info(`fault schedules [${suite.id}]: ${JSON.stringify({ ...summary, runs: undefined }, null, 2)}`);

      if (suite.control) {
        // Teeth: the same property must catch the job that loses state on a restart.
        expect(details.failed, `the negative control found no counterexample in ${runs} schedule(s): the property cannot fail\n${summary.runs.join('\n')}`).toBe(true);
        const error = details.errorInstance;
        if (own) {
          // The declared job's control: the differential oracle or the id check rejects it.
          expect(error, `the control failed, but not by the oracle:\n${String((error as Error)?.stack ?? error)}`).toBeInstanceOf(ScheduleOutcomeFailed);
          const codes = (error as ScheduleOutcomeFailed).outcome.reasons.filter((r) => r.effect === 'fail').map((r) => r.code);
          expect(codes.some((c) => /^(differential|record-ids)\./.test(c)), `rejected by ${codes.join(', ')}`).toBe(true);
          return;
        }
        expect(error, `the control failed, but not by the oracle:\n${String((error as Error)?.stack ?? error)}`).toBeInstanceOf(ScheduleVerdictFailed);
        expectVerdictFails((error as ScheduleVerdictFailed).verdict, ['missing', 'wrong-count']);
        return;
      }
      if (details.failed) {
        throw new Error(
          `${fc.defaultReportMessage(details) ?? 'property failed'}\n\n` +
            `Schedule (seed ${details.seed}, path ${details.counterexamplePath}, ${details.numShrinks} shrink(s)):\n  ${summary.counterexample?.join('\n  ')}\n` +
            `Replay: ${replayCmd}`,
        );
      }
      expect(details.interrupted, 'the property was interrupted').toBe(false);
      expect(summary.runsPassed, 'schedules that ran and passed').toBe(runs);
      // Every schedule held, but a fault Flink's records do not confirm makes its run no pass: the property is inconclusive.
      const unconfirmed = records.filter((r) => r.outcome?.startsWith('inconclusive'));
      if (unconfirmed.length > 0) {
        const codes = [...new Set(unconfirmed.flatMap((r) => r.outcome!.replace(/^inconclusive: /, '').split(', ')))];
        await markInconclusive({
          outcome: 'inconclusive',
          reasons: [{ code: (codes[0] ?? 'schedule.inconclusive') as `${string}.${string}`, effect: 'inconclusive', message: `${unconfirmed.length} of ${records.length} schedule run(s) inconclusive (${codes.join(', ')}): ${unconfirmed.map((r) => r.path).join(', ')}` }],
        });
      }
    });
  });
}

async function runOne(
  suite: ScheduleSuite,
  /** The own-job suite's declared job (else Click Event Count under the window oracle). */
  own: OwnJob | undefined,
  schedule: Schedule,
  where: { seed: number; path: string; phase: RunRecord['phase']; maxCommands: number; replayPath?: string },
  record: RunRecord,
): Promise<void> {
  const budget = harnessRun().settings.scheduleRunBudgetMs;
  const deadline = Date.now() + budget;
  let rejected: ScheduleVerdictFailed | ScheduleOutcomeFailed | undefined;
  // Inconclusive runs are recorded, not skipped: a skip inside the property would read as a counterexample.
  let decided: ScenarioOutcome | undefined;
  const onOutcome = (o: ScenarioOutcome) => {
    decided = o;
    const codes = [...new Set(o.reasons.filter((r) => r.effect === o.outcome).map((r) => r.code))];
    record.outcome = o.outcome === 'pass' ? 'pass' : `${o.outcome}: ${codes.join(', ')}`;
  };
  // Today's suites ask for no topology (the default, as before); the HA suites for theirs.
  const { topology } = schedule.start;
  const shape = describeTopology(topology) === describeTopology(SINGLE_NODE_TOPOLOGY) ? {} : { topology: clusterShape(topology) };
  // Fresh REST answers (the lifecycle steps watch moments of tens of milliseconds); the adaptive suite's rescales without 30 s waits.
  const flinkProperties = { ...FRESH_REST_PROPERTIES, ...(suite.scheduler === 'adaptive' ? adaptiveRescaleProperties(harnessRun().images.release.version) : {}) };
  const { images: runImages, settings } = harnessRun();
  // The own-job control runs the mutant build of the dedup job.
  const mutantJar = own && suite.mutant ? await ensureJobJar(cacheDir(settings), runImages.release, { mutant: suite.mutant }) : undefined;
  const images = own ? imagesFor(own, runImages, mutantJar) : undefined;
  const running = runScenario(record.scenario, { outputIsolation: suite.isolation, inconclusive: 'record', onOutcome, profile: schedule.start.profile, flinkProperties, ...shape, ...(images ? { images } : {}) }, async (s) => {
    if (suite.control) s.extra.negativeControl = suite.mutant ? `mutant ${suite.mutant}: the differential oracle must reject this run` : 'job without --checkpointing: the oracle must reject this run (missing or wrong counts)';
    s.extra.faultSchedule = { suite: suite.id, seed: where.seed, path: where.path, phase: where.phase, job: suite.job, policy: suite.policy, topology, budgetMs: budget };
    s.extra.schedule = record.schedule;
    const job = declarationArg(own);
    s.extra.replay = replayCommand({ suite: suite.id, seed: where.seed, path: where.path, maxCommands: where.maxCommands, job });
    const workload = own ? declaredWorkload(s, own) : clickWorkload(s, suite.job);
    let real: ScheduleReal | undefined;
    try {
      await withTimeout(
        runSchedule(s, workload, schedule, deadline, (r) => (real = r)),
        Math.max(1_000, deadline - Date.now()) + 30_000,
        `the schedule within its run budget of ${budget / 1000} s`,
      );
    } finally {
      record.steps = real ? describeSteps(real.steps, s.history.startedAt) : [];
      s.extra.steps = record.steps;
      s.extra.fastCheckCommands = String(schedule.commands);
      // A shrink step's path replays only with the commands' replayPath as it stands now.
      const replayPath = where.path.includes(':') ? (where.replayPath ?? extractReplayPath(String(schedule.commands))) : undefined;
      s.extra.replay = replayCommand({ suite: suite.id, seed: where.seed, path: where.path, maxCommands: where.maxCommands, replayPath, job });
    }
    if (own) {
      // The differential oracle (and the id check, fence and evidence rules): its fail is the counterexample.
      const judged = await judgeOwnJob(s, own, (workload as DeclaredWorkload).generator(), undefined, suite.control ? 'fail' : 'pass');
      record.verdict = `${judged.outcome.outcome.toUpperCase()}: ${JSON.stringify(judged.differential.counts)}`;
      s.extra.verdictLine = record.verdict;
      if (judged.outcome.outcome !== 'fail') return;
      const failed = new ScheduleOutcomeFailed(judged.outcome, `own job ${own.declaration.name}${suite.mutant ? ` (mutant ${suite.mutant})` : ''}`);
      // A control's scenario did its job when the oracle rejects it; the property still fails (below).
      if (suite.control) rejected = failed;
      else throw failed;
      return;
    }
    const verdict = await s.judge(suite.policy, { expect: suite.control ? 'any' : 'pass' });
    record.verdict = `${verdict.ok ? 'OK' : 'FAILED'}: ${verdict.summary.bySeverity.failure} failure(s), ${verdict.summary.bySeverity.tolerated} tolerated, ${verdict.summary.expectedKeys} keys`;
    s.extra.verdictLine = record.verdict;
    if (verdict.ok) return;
    // A control's scenario did its job when the oracle rejects it; the property still fails (below).
    if (suite.control) rejected = new ScheduleVerdictFailed(verdict);
    else throw new ScheduleVerdictFailed(verdict);
  });
  await running.catch((e: unknown) => {
    // The oracle's verdict failed but the run came out inconclusive (its input was not what the ledger
    // counts): not a counterexample of Flink's; the suite's summary counts it inconclusive.
    if (e instanceof ScheduleVerdictFailed && decided?.outcome === 'inconclusive') return;
    throw e;
  });
  if (rejected) throw rejected;
}

/** The declaration a replay must name: a given one (HARNESS_JOB), relative to the repo; the default dedup job needs none. */
const declarationArg = (own: OwnJob | undefined): string | undefined =>
  own && process.env.HARNESS_JOB ? path.relative(REPO_ROOT, own.declaration.file) : undefined;

/**
 * The profiles a suite's schedules draw from: a given --profile only, else the
 * smoke pool on this release, for the default scheduler (the model expects
 * tasks to wait for missing slots). The negative control stays on the
 * playground's: its job has no checkpoints to read a profile back from.
 */
function scheduleProfiles(suite: ScheduleSuite): string[] | string {
  const { settings, images } = harnessRun();
  if (suite.control) return ['playground'];
  const fit = suite.scheduler === 'adaptive' ? fits.adaptiveScheduler : fits.defaultScheduler;
  if (settings.profileGiven) {
    const why = fit(profileNamed(settings.profile));
    return why ? `not run under profile '${settings.profile}': ${why}` : [settings.profile];
  }
  // The adaptive suite: the adaptive profile first (shrinking goes towards it), then the production one.
  const pool = profilesFitting(releaseCapabilities(images.release.version), fit, suite.scheduler === 'adaptive' ? ['adaptive', 'production'] : undefined).map((p) => p.name);
  return pool.length > 0 ? pool : `no profile with the ${suite.scheduler ?? 'default'} scheduler in this release's pool`;
}

/** The property's own entry in the run report: seed, runs, counterexample, replay command. */
async function writeSummary(runDir: string, suite: ScheduleSuite, flinkVersion: string, status: 'passed' | 'failed' | 'inconclusive', durationMs: number, extra: Record<string, unknown>) {
  const dir = path.join(runDir, 'scenarios', `fault-schedules-${suite.id}-property`);
  await mkdir(dir, { recursive: true });
  const result: ScenarioResult = { name: `fault schedules [${suite.id}] (property summary)`, flinkVersion, status, durationMs, extra };
  await writeFile(path.join(dir, 'result.json'), JSON.stringify(result));
}
