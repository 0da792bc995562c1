// `npm run gate -- --baseline <A> --candidate <B>`: the regression gate.
// Runs the scenario suites on both Flink releases (same seed), the A -> B
// upgrade scenario, writes one comparison report (out/gate/<id>/) and exits:
//   0 no regression, 1 correctness regression (or the upgrade failed),
//   2 recovery-time regression beyond the threshold, 3 the gate could not run.
// See docs/gating.md.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { loadSettings } from '../config/settings.js';
import { describeFlinkBuild, resolveFlinkRelease } from '../containers/artifacts/flink-release.js';
import { dockerEngine } from '../containers/engine.js';
import { resolveProfile } from '../containers/profiles/resolve.js';
import { compareRuns, DEFAULT_THRESHOLDS, formatGateSummary, GATE_EXIT } from '../reports/gate-comparison.js';
import { formatGateOverview, gateOverview } from '../reports/gate-overview.js';
import { writeGateReport } from '../reports/gate-report.js';
import type { RunReportJson } from '../reports/run-report.js';
import { availableScenarios } from '../scenarios/harness/catalogue.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { readRunReport, runSuite, selectScenarios, UPGRADE_SCENARIO, type SuiteResult } from '../scenarios/harness/suite-run.js';

const number = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative number, got '${v}'`);
  return n;
};

const program = new Command('gate')
  .description('Regression gate between two Flink releases: suites on both, the upgrade between them, one comparison report.')
  .requiredOption('--baseline <version>', 'the Flink release known to be good (e.g. 1.20.3)')
  .requiredOption('--candidate <version>', 'the Flink release to gate (e.g. 2.2.1), or dist:<folder or .tgz> for a local distribution (default: dist:$FLINK_DIST when set)', process.env.FLINK_DIST?.trim() ? `dist:${process.env.FLINK_DIST.trim()}` : undefined)
  .option('--scenarios <glob>', `scenario files to run, comma-separated names or globs (default: all of ${availableScenarios().join(', ')})`)
  .option('--recovery-threshold <percent>', 'recovery-time regression: slower than the baseline by more than this', number('--recovery-threshold'), DEFAULT_THRESHOLDS.recoveryRegressionPct)
  .option('--recovery-min-delta <ms>', '...and slower by at least this many ms', number('--recovery-min-delta'), DEFAULT_THRESHOLDS.recoveryMinDeltaMs)
  .option('--tier <tier>', "'smoke' or 'nightly' (default: HARNESS_TIER or smoke)")
  .option('--seed <n>', 'seed for generated fault schedules, the same for both releases (default: random, printed)', number('--seed'))
  .option('--profile <name>', 'production profile both sides run under (HARNESS_PROFILE; default: each scenario draws one from the seed, the same on both sides)')
  .option('--flink-conf <path>', "the team's own Flink configuration, merged over the harness's on both sides (HARNESS_FLINK_CONF)")
  .option('--no-upgrade', `skip the ${UPGRADE_SCENARIO} scenario (baseline -> candidate)`)
  .option('--baseline-report <path>', 'use this run report (folder or report.json) instead of running the baseline suites')
  .option('--candidate-report <path>', 'use this run report instead of running the candidate suites')
  .option('--out <dir>', 'where the comparison goes (default: <out>/gate/<gate id>)')
  // A usage error must not exit 1 (that means "correctness regression").
  .exitOverride();

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : GATE_EXIT.couldNotRun);
  throw e;
}

interface Options {
  baseline: string;
  candidate: string;
  scenarios?: string;
  recoveryThreshold: number;
  recoveryMinDelta: number;
  tier?: string;
  seed?: number;
  profile?: string;
  flinkConf?: string;
  upgrade: boolean;
  baselineReport?: string;
  candidateReport?: string;
  out?: string;
}

const opts = program.opts<Options>();
const startedAt = Date.now();
const gateId = newRunId();

try {
  process.exit(await gate());
} catch (e) {
  process.stderr.write(`gate could not run: ${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(GATE_EXIT.couldNotRun);
}

async function gate(): Promise<number> {
  if (opts.tier && opts.tier !== 'smoke' && opts.tier !== 'nightly') throw new InvalidArgumentError(`--tier must be smoke or nightly, got '${opts.tier}'`);
  const tier = opts.tier ?? (process.env.HARNESS_TIER === 'nightly' ? 'nightly' : 'smoke');
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const selected = selectScenarios(opts.scenarios, availableScenarios());
  const suites = selected.filter((n) => n !== UPGRADE_SCENARIO);
  const upgradeWanted = opts.upgrade && selected.includes(UPGRADE_SCENARIO);
  const settings = loadSettings();
  const outDir = path.resolve(opts.out ?? path.join(settings.outDir, 'gate', gateId));

  // Fail fast, before any cluster starts: unknown releases, no Docker engine.
  // Each with its own connector (KAFKA_CONNECTOR_VERSIONS), as its suites and its side of the upgrade will build it.
  // A local distribution (dist:<path>) is read here: its own Flink version is what its runs are tagged with.
  const baselineRelease = await resolveFlinkRelease(opts.baseline, settings.kafkaConnectors);
  const candidateRelease = await resolveFlinkRelease(opts.candidate, settings.kafkaConnectors);
  const needsClusters = upgradeWanted || (suites.length > 0 && (opts.baselineReport === undefined || opts.candidateReport === undefined));
  if (needsClusters) await dockerEngine();

  // The profile and team configuration: checked for both releases before any cluster starts (unknown name, a choice a release lacks, a refused key).
  const profileEnv = {
    ...(opts.profile ? { HARNESS_PROFILE: opts.profile } : {}),
    ...(opts.flinkConf ? { HARNESS_FLINK_CONF: path.resolve(opts.flinkConf) } : {}),
  };
  const profileSettings = { ...settings, profile: opts.profile ?? settings.profile, flinkConf: opts.flinkConf ? path.resolve(opts.flinkConf) : settings.flinkConf };
  for (const r of [baselineRelease, candidateRelease]) resolveProfile(profileSettings, r.version);
  const env = { HARNESS_TIER: tier, HARNESS_SEED: String(seed), ...profileEnv };
  process.stderr.write(
    `gate ${gateId}: baseline ${opts.baseline}, candidate ${opts.candidate}; scenarios ${suites.join(', ') || '(none)'}` +
      `; upgrade ${upgradeWanted ? `${opts.baseline} -> ${opts.candidate}` : 'skipped'}; tier ${tier}; seed ${seed}\n`,
  );

  const runs: Record<string, SuiteResult | { report: string }> = {};
  const side = async (role: 'baseline' | 'candidate', version: string, given?: string): Promise<RunReportJson | null> => {
    if (given !== undefined) {
      runs[role] = { report: path.resolve(given) };
      return readRunReport(path.resolve(given));
    }
    if (suites.length === 0) return emptyRun(`${gateId}-${role}`);
    const r = await runSuite({ runId: `${gateId}-${role}`, flinkVersion: version, scenarios: suites, env }, settings.outDir);
    runs[role] = r;
    return r.report;
  };
  const baseline = await side('baseline', opts.baseline, opts.baselineReport);
  const candidate = await side('candidate', opts.candidate, opts.candidateReport);

  let upgrade: RunReportJson | null | 'skipped' = 'skipped';
  if (upgradeWanted) {
    const r = await runSuite(
      {
        runId: `${gateId}-upgrade`,
        flinkVersion: opts.candidate,
        scenarios: [UPGRADE_SCENARIO],
        env: { ...env, HARNESS_UPGRADE_FROM: opts.baseline, HARNESS_UPGRADE_TO: opts.candidate },
      },
      settings.outDir,
    );
    runs.upgrade = r;
    upgrade = r.report;
  }

  const comparison = compareRuns({
    baselineVersion: baselineRelease.version,
    candidateVersion: candidateRelease.version,
    baseline,
    candidate,
    upgrade,
    thresholds: { recoveryRegressionPct: opts.recoveryThreshold, recoveryMinDeltaMs: opts.recoveryMinDelta },
  });
  const dirOf = (r: SuiteResult | { report: string } | undefined) =>
    r === undefined ? undefined : 'reportDir' in r ? (r.report ? r.reportDir : undefined) : r.report.endsWith('.json') ? path.dirname(r.report) : r.report;
  const command = `npm run gate -- ${process.argv.slice(2).join(' ')}`;
  const overview = gateOverview(comparison, { baseline: opts.baseline, candidate: opts.candidate, seed, tier, scenarios: selected, command });
  const files = await writeGateReport(outDir, {
    overview,
    gateId,
    startedAt,
    finishedAt: Date.now(),
    settings: {
      command,
      baseline: opts.baseline,
      candidate: opts.candidate,
      // Each side's build: PyPI's release, or a local distribution with its sha256.
      builds: { baseline: describeFlinkBuild(baselineRelease), candidate: describeFlinkBuild(candidateRelease) },
      scenarios: selected,
      tier,
      seed,
      profile: opts.profile ?? 'drawn per scenario from the seed',
      ...(opts.flinkConf ? { flinkConf: path.resolve(opts.flinkConf) } : {}),
      upgrade: upgradeWanted,
      recoveryThresholdPct: opts.recoveryThreshold,
      recoveryMinDeltaMs: opts.recoveryMinDelta,
      runs: Object.fromEntries(
        Object.entries(runs).map(([k, r]) => [k, 'runId' in r ? { runId: r.runId, flinkVersion: r.flinkVersion, vitestExitCode: r.exitCode, wallTimeMs: r.wallTimeMs } : r]),
      ),
    },
    comparison,
    runs: { baseline: dirOf(runs.baseline), candidate: dirOf(runs.candidate), upgrade: dirOf(runs.upgrade) },
  });
  process.stdout.write(`\n${formatGateOverview(overview)}\n\n${formatGateSummary(comparison)}\n\nGate report: ${files.html}\n`);
  return comparison.exitCode;
}

function emptyRun(runId: string): RunReportJson {
  return { runId, startedAt, finishedAt: startedAt, wallTimeMs: 0, settings: {}, versions: {}, scenarios: [] };
}
