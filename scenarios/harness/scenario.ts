import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { judgeHistory } from '../../assertions/oracle.js';
import type { Verdict } from '../../assertions/verdict.js';
import { isHarnessError } from '../../config/harness-error.js';
import type { Settings } from '../../config/settings.js';
import { Cluster } from '../../containers/cluster.js';
import type { ClusterImages } from '../../containers/images/index.js';
import type { Topology } from '../../containers/topology.js';
import { leftovers } from '../../containers/janitor.js';
import type { OutputTap } from '../../containers/output-tap.js';
import { waitFor } from '../../containers/wait.js';
import type { Testbed } from '../../faults/context.js';
import { OutputCoverage } from '../../history/output-coverage.js';
import { HistoryRecorder } from '../../history/recorder.js';
import { historyToJson } from '../../history/serialize.js';
import type { GeneratorLedger, History, OraclePolicy, SinkSemantics } from '../../history/types.js';
import { FENCE_CHECK } from '../../assertions/fence-evidence.js';
import { committedOutput } from './committed-output.js';
import { describeFlinkBuild, describeKafkaConnector } from '../../containers/artifacts/flink-release.js';
import { fenceAndDrain, type FenceResult } from './fence.js';
import { auditInput } from './input-audit.js';
import type { ScenarioResult } from '../../reports/run-report.js';
import { ClickGenerator, type GeneratorOptions } from '../../workload/click-generator.js';
import { describeOutcome, type ReasonCode, type ScenarioOutcome } from '../../assertions/outcome.js';
import { decideScenario, markInconclusive, markNotRun, type Judgment, type OwnJudgment } from './scenario-outcome.js';
import { JobWatcher } from './job-watcher.js';
import { profiledFlinkProperties } from '../../containers/profiles/cluster-properties.js';
import { DEFAULT_PROFILE, releaseCapabilities, type Profile } from '../../containers/profiles/profile.js';
import { resolveProfile } from '../../containers/profiles/resolve.js';
import { chooseProfile, type ProfileFit } from './profile-draw.js';
import { verifyRunProfile } from './profile-verification.js';

/** What global-setup hands every scenario (vitest provide/inject). */
export interface HarnessRun {
  runId: string;
  runDir: string;
  settings: Settings;
  images: ClusterImages;
}

declare module 'vitest' {
  export interface ProvidedContext {
    harness: HarnessRun;
  }
}

export const harnessRun = (): HarnessRun => inject('harness');

/** No new output key for this long after the input ended: settle resends the closing events. */
const SETTLE_STALL_MS = 10_000;

export interface ScenarioOptions {
  taskManagers?: number;
  /** The cluster's shape (brokers: 3, proxies, partitionable, ...); taskManagers above is its shorthand. */
  topology?: Partial<Topology>;
  flinkProperties?: Record<string, string>;
  /** Images of another Flink release than the run's default (version matrix, upgrades). */
  images?: ClusterImages;
  /** How the harness reads `output`: read_committed (exactly-once sink) or not. */
  outputIsolation?: 'read_committed' | 'read_uncommitted';
  /**
   * What an inconclusive outcome does to the running test: 'skip' it (default),
   * or only 'record' it (result.json, onOutcome) for a caller that runs many
   * scenarios in one test, such as a fast-check property, and decides itself.
   */
  inconclusive?: 'skip' | 'record';
  /** Called with the outcome once it is decided (before any skip). */
  onOutcome?: (outcome: ScenarioOutcome) => void;
  /** A negative control of the harness's own checks: the run must be inconclusive for this reason, and then passes. */
  expectInconclusive?: ReasonCode;
  /**
   * The production profiles the body is written for (scenarios/harness/profile-draw.ts):
   * the run's --profile if it fits, else one drawn from the seed. Absent: the playground profile only.
   */
  profiles?: ProfileFit;
  /** Run under exactly this profile (a nightly matrix cell), whatever --profile says. */
  profile?: string;
}

export interface JudgeOptions {
  /** pass: the run must be right; fail: a negative control, the oracle must reject it; any: recorded only (a schedule control's single run). */
  expect?: Judgment['expect'];
}

/** One scenario's world: a fresh cluster, its history, the generator and the output reader. */
export interface Scenario extends Testbed {
  name: string;
  run: HarnessRun;
  images: ClusterImages;
  tap: OutputTap;
  /** The scenario's click generator (one per scenario; its ledger is the expected output). */
  generator(options?: Partial<GeneratorOptions>): ClickGenerator;
  /** Waits until every settled window x page has at least one output record (bounded; never throws). */
  settle(timeoutMs?: number): Promise<boolean>;
  /**
   * Fences the job (once: stopped, output read to its end, the exactly-once
   * sink's end state checked), freezes the history and applies the oracle.
   * `expect: 'fail'` marks a negative control's judgment: the scenario's
   * outcome then needs the oracle to fail (a control that is not detected fails).
   */
  judge(policy: OraclePolicy, options?: JudgeOptions): Promise<Verdict>;
  /** What judge's fence found (undefined before the first judge, or when the scenario fenced itself). */
  fenced(): FenceResult | undefined;
  /** An outcome of the scenario's own checker (a declared job's differential oracle): part of the scenario's outcome. */
  addOutcome(judgment: OwnJudgment): void;
  /** Figures and files for the report (screenshots, metrics, timings). */
  extra: Record<string, unknown>;
  /** The scenario's folder in the run (logs, storage, result.json): for files of its own. */
  dir: string;
  /** The production profile the cluster runs (playground: Flink's defaults as the playground sets them). */
  runProfile: Profile;
}

/**
 * Runs `body` against a fresh cluster and always: saves every container's
 * log, removes the containers and network, checks nothing with the run's label
 * is left, and writes the scenario's result (verdict, history, timings) for
 * the run report.
 */
export async function runScenario(name: string, options: ScenarioOptions, body: (s: Scenario) => Promise<void>): Promise<void> {
  const run = harnessRun();
  const images = options.images ?? run.images;
  const version = images.release.version;
  const slug = `${name}-${version}`;
  const scenarioDir = path.join(run.runDir, 'scenarios', slug);
  await mkdir(scenarioDir, { recursive: true });
  const history = new HistoryRecorder(name, version);
  const choice = chooseProfile({
    scenario: name,
    seed: run.settings.seed,
    release: releaseCapabilities(version),
    ...(run.settings.profileGiven ? { given: run.settings.profile } : {}),
    ...(options.profile ? { forced: options.profile } : {}),
    fit: options.profiles,
  });
  if (choice.kind === 'skip') {
    // A profile a person asked for that this body cannot run: said, never run under another one.
    await markNotRun(choice.note);
    return;
  }
  // The profile's keys and the team's --flink-conf over the playground's; an impossible one is one error here.
  const resolved = resolveProfile(run.settings, version, choice.profile.name);
  const profiled = choice.profile.name !== DEFAULT_PROFILE || resolved.teamConf !== undefined;
  const flinkProperties = profiled ? profiledFlinkProperties({ ...resolved, scenario: options.flinkProperties }) : options.flinkProperties;
  history.note(choice.note);
  const started = Date.now();
  const result: ScenarioResult = { name, flinkVersion: version, status: 'passed', durationMs: 0, extra: {} };
  const judgments: Judgment[] = [];
  const own: OwnJudgment[] = [];
  /** The sink of the first judgment: what the fence checked, and what its evidence is judged for. */
  let sink: SinkSemantics | undefined;
  let cluster: Cluster | undefined;
  let watcher: JobWatcher | undefined;
  let tap: OutputTap | undefined;
  let generator: ClickGenerator | undefined;
  let frozen: History | undefined;
  let fenced: FenceResult | undefined;
  let thrown = false;
  try {
    cluster = await Cluster.start({
      runId: run.runId,
      scenario: name,
      flinkVersion: version,
      flinkImage: images.flinkImage,
      kafkaImage: images.kafkaImage,
      jobJar: images.jobJar,
      storageDir: path.join(scenarioDir, 'storage'),
      taskManagers: options.taskManagers,
      flinkProperties,
      ...(options.topology ? { topology: options.topology } : {}),
      ...(images.toxiproxyImage ? { toxiproxyImage: images.toxiproxyImage } : {}),
      ...(images.zookeeperImage ? { zookeeperImage: images.zookeeperImage } : {}),
    });
    history.note(`cluster up: Flink ${version}, ${cluster.taskManagers.length} TaskManager(s), Web UI ${cluster.webUiUrl}`);
    result.extra!.clusterStartMs = Date.now() - started;
    result.extra!.kafkaConnector = describeKafkaConnector(images.release);
    result.extra!.flinkBuild = describeFlinkBuild(images.release, images.flinkImage);
    result.extra!.profile = { name: choice.profile.name, how: choice.how, description: choice.profile.description };
    if (resolved.teamConf) result.extra!.flinkConfWarnings = resolved.teamConf.warnings;
    // Playground: Flink's defaults, nothing to pass; any other profile's restore mode and savepoint format go with every resume and stop.
    const tb: Testbed = { cluster, history, ...(profiled ? { profile: { profile: choice.profile, release: resolved.release }, resumes: [] } : {}) };
    watcher = new JobWatcher(tb).start();
    tap = await cluster.kafka.tap('output', options.outputIsolation ?? 'read_committed');
    const c = cluster;
    const t = tap;
    const scenario: Scenario = {
      ...tb,
      name,
      run,
      images,
      tap,
      extra: result.extra!,
      dir: scenarioDir,
      runProfile: choice.profile,
      addOutcome: (j) => void own.push(j),
      fenced: () => fenced,
      generator: (g = {}) => {
        if (generator) return generator;
        generator = new ClickGenerator(c.kafka.kafka, {
          topic: 'input',
          partitions: 2,
          mode: 'fast',
          ...g,
          // A failed send is reconciled with the topic's end instead of failing the run (ClickGenerator.deliver).
          endOffsets: () => c.kafka.highWatermarks('input'),
          onRecovery: (r) => {
            try {
              history.note(`generator: a send failed (${r.error}) and was reconciled with the topic's end: ${r.partitions.map((x) => `input-${x.partition} ${x.records} records ${x.outcome}`).join(', ')}`);
            } catch {
              // history already judged
            }
          },
          onProgress: throttle((total, maxTs) => {
            try {
              history.generator(total, maxTs);
            } catch {
              // history already judged: progress after that is not part of it
            }
          }, 1_000),
        });
        return generator;
      },
      settle: async (timeoutMs = 120_000) => {
        const ledger = generator?.ledger.snapshot();
        if (!ledger) return true;
        // Each output record decoded once, however often the wait polls (100,000 pages per window at scale).
        const coverage = new OutputCoverage(ledger);
        // A stall after the input ended: the closing events again (ClickGenerator.resendClosing says why), every STALL_MS.
        let progressAt = Date.now();
        let seenBefore = -1;
        let resends = 0;
        try {
          await waitFor(
            `output for all ${coverage.expected} settled window x page keys`,
            async (seen) => {
              coverage.read(t.records);
              const first = coverage.firstMissing();
              seen(`${coverage.seen}/${coverage.expected} keys present${first ? `, first missing ${first}` : ''}${resends ? `; closing events resent ${resends}x` : ''}`);
              if (coverage.complete()) return true;
              if (coverage.seen !== seenBefore) [seenBefore, progressAt] = [coverage.seen, Date.now()];
              else if (generator!.ended && Date.now() - progressAt >= SETTLE_STALL_MS) {
                await generator!.resendClosing();
                resends++;
                progressAt = Date.now();
                if (resends === 1) history.note(`output stalled ${SETTLE_STALL_MS / 1000} s after the input ended at ${coverage.seen}/${coverage.expected} keys: closing events resent (a partition restored at its end gets no event, and holds the watermark)`);
              }
              return undefined;
            },
            {
              timeoutMs,
              intervalMs: 500,
              diagnose: async () => `${t.describe(await c.kafka.endOffsets('output').catch(() => new Map()))}\n${await c.diagnose()}`,
            },
          );
          // What Flink wrote up to now is read too (duplicates arrive after the first copy).
          await t.drain(await c.kafka.endOffsets('output'), { timeoutMs: 30_000 });
          // One last look at the job, so the history ends with its current state
          // (a recovery that completed between two polls is not lost).
          await watcher?.poll();
          return true;
        } catch (e) {
          history.note(`output did not settle: ${String((e as Error).message).split('\n').slice(0, 2).join(' ')}`);
          result.extra!.settleDiagnostics = String((e as Error).message);
          return false;
        }
      },
      judge: async (policy, { expect = 'pass' } = {}) => {
        // Judged once per scenario's history; a second policy judges the same history.
        if (!frozen) {
          // The fence before the final read: stop the jobs, read output to its end, check the
          // exactly-once sink's end state. Once per scenario (a scenario may have fenced itself).
          if (!history.events.some((e) => e.kind === 'check' && e.name === FENCE_CHECK)) {
            // The profile is read back while the jobs still run: a stopped job's checkpoints do not move on.
            if (tb.profile) await verifyRunProfile(tb);
            fenced = await fenceAndDrain(tb, { sink: policy.sink, tap: t });
            result.extra!.fenceMs = fenced.timings.totalMs;
          }
          sink = policy.sink;
          if (generator) await auditInput(history, generator, c.kafka);
          await watcher?.poll();
          await watcher?.stop();
          frozen = history.finish(generator?.ledger.snapshot() ?? emptyLedger(), committedOutput(history, policy.sink, t.records));
        }
        // The frozen history, not only ledger and output: its disturbances decide which duplicates a fault explains.
        const verdict = judgeHistory(frozen, policy);
        judgments.push({ verdict, expect });
        // The report shows the judgment the outcome rests on: the first expected to pass, else the first.
        result.verdict = (judgments.find((j) => j.expect === 'pass') ?? judgments[0]).verdict;
        return verdict;
      },
    };
    await body(scenario);
  } catch (e) {
    result.status = (e as Error)?.name === 'AssertionError' || (e as { matcherResult?: unknown })?.matcherResult ? 'failed' : 'error';
    result.error = isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e);
    thrown = true;
    throw e;
  } finally {
    await watcher?.stop();
    await generator?.stop().catch(() => undefined);
    await tap?.stop();
    // Shown in the report: a reader that had to start anew (broker restarts) still read every offset once.
    if (tap?.reconnects) result.extra!.outputReaderRestarts = tap.reconnects;
    if (cluster) {
      result.extra!.logs = (await cluster.saveLogs(path.join(scenarioDir, 'logs')).catch(() => [])).map((f) => path.relative(run.runDir, f));
      await cluster.stop();
      const left = await leftovers(run.runId);
      result.extra!.leftovers = left;
    }
    // Checkpoint data is large and only useful while the cluster runs.
    if (result.status === 'passed') await rm(path.join(scenarioDir, 'storage'), { recursive: true, force: true }).catch(() => undefined);
    result.durationMs = Date.now() - started;
    result.history = frozen ?? history.finish(generator?.ledger.snapshot() ?? emptyLedger(), [...(tap?.records ?? [])]);
    result.outcome = decideScenario({
      result,
      judgments,
      history: result.history,
      usedGenerator: generator !== undefined,
      sink,
      own,
      ...(options.expectInconclusive ? { expectInconclusive: options.expectInconclusive } : {}),
      ...(profiled && (judgments.length > 0 || own.length > 0) ? { profile: choice.profile } : {}),
    });
    if (result.outcome.outcome === 'inconclusive' && result.status === 'passed') result.status = 'inconclusive';
    await writeFile(
      path.join(scenarioDir, 'result.json'),
      JSON.stringify({ ...result, history: result.history ? historyToJson(result.history) : undefined }),
    );
    // Also when the body threw: the caller may judge a throw by the outcome (an inconclusive run is not a counterexample).
    options.onOutcome?.(result.outcome);
  }
  // Not a pass: the test is skipped with its reason (JUnit <skipped>, see reports/junit-reporter.ts).
  if (!thrown && result.outcome?.outcome === 'inconclusive' && options.inconclusive !== 'record') await markInconclusive(result.outcome);
  // Every check passed but the evidence says the run failed (e.g. a lingering transaction): the test fails.
  if (!thrown && result.outcome?.outcome === 'fail') throw new Error(`scenario ${name}: ${describeOutcome(result.outcome)}`);
}

function emptyLedger(): GeneratorLedger {
  return { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
}

function throttle<A extends unknown[]>(fn: (...a: A) => void, ms: number): (...a: A) => void {
  let last = 0;
  return (...a) => {
    if (Date.now() - last >= ms) {
      last = Date.now();
      fn(...a);
    }
  };
}
