// `npm run matrix`: the scenario suites over a list of Flink releases, one
// vitest run (and one run report, every result tagged with its release) per
// release, then the N x N upgrade matrix: the upgrade scenario's at-least-once
// test for every ordered pair of releases, downgrades included, one vitest run
// per cell (`--lock` holds a lock file per cell, not for the whole matrix).
// Writes out/matrix/<id>/ (matrix.json, index.html: the overview first). Exit:
// 0 as expected, 1 a scenario failed or a cell broke what Flink promises,
// 3 a run wrote no report / bad usage, 4 something was inconclusive.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { HarnessError, isHarnessError } from '../config/harness-error.js';
import { loadSettings, parseVersionList } from '../config/settings.js';
import { type FlinkRelease, resolveFlinkRelease } from '../containers/artifacts/flink-release.js';
import { pypiReleases } from '../containers/artifacts/pypi.js';
import { compareVersions, expandRelease } from '../containers/artifacts/versions.js';
import { dockerEngine } from '../containers/engine.js';
import { summarizeMatrix, writeMatrixReport, type MatrixRun } from '../reports/gate-matrix.js';
import { formatGridOverview, gridMarkdown, UPGRADE_CELL_TEST } from '../reports/upgrade-matrix.js';
import { availableScenarios } from '../scenarios/harness/catalogue.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { readRunReport, runSuite, selectScenarios, UPGRADE_SCENARIO, type SuiteResult, type SuiteRun } from '../scenarios/harness/suite-run.js';

const program = new Command('matrix')
  .description('Run the scenario suites on each Flink release of the version matrix, then the upgrades between them.')
  .option('--versions <list>', 'comma-separated Flink releases, a line\'s newest as 2.1.x, or dist:<path> (default: FLINK_VERSIONS; smoke: FLINK_VERSION, nightly: 1.20.3,2.2.1)')
  .option('--scenarios <glob>', 'scenario files to run, comma-separated names or globs (default: all)')
  .option('--tier <tier>', "'smoke' or 'nightly' (default: HARNESS_TIER or smoke)")
  .option('--seed <n>', 'seed for generated fault schedules, the same for every release (default: random, printed)')
  .option('--no-upgrade', `skip the ${UPGRADE_SCENARIO} scenario between releases`)
  .option('--pairs <which>', "'all': every ordered pair, downgrades included (N x N); 'to-newest': each older release to the newest", 'all')
  .option('--resume <matrix id>', 'carry on an interrupted matrix: reuse every run of that id that wrote a report, run the rest')
  .option('--lock <file>', 'hold this lock file (flock) for each suite and each cell on its own, e.g. /tmp/cluster.lock')
  .option('--out <dir>', 'where the matrix summary goes (default: <out>/matrix/<id>)')
  .exitOverride();

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 3);
  throw e;
}
const opts = program.opts<{ versions?: string; scenarios?: string; tier?: string; seed?: string; upgrade: boolean; pairs: string; lock?: string; resume?: string; out?: string }>();

try {
  process.exit(await matrix());
} catch (e) {
  process.stderr.write(`matrix could not run: ${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(3);
}

async function matrix(): Promise<number> {
  if (opts.tier && opts.tier !== 'smoke' && opts.tier !== 'nightly') throw new InvalidArgumentError(`--tier must be smoke or nightly, got '${opts.tier}'`);
  if (opts.tier) process.env.HARNESS_TIER = opts.tier;
  if (opts.pairs !== 'all' && opts.pairs !== 'to-newest') throw new InvalidArgumentError(`--pairs must be all or to-newest, got '${opts.pairs}'`);
  const settings = loadSettings();
  const given = opts.versions ? parseVersionList(opts.versions) : settings.flinkVersions;
  if (given.length === 0) throw new InvalidArgumentError('--versions lists no release');
  const seed = opts.seed !== undefined ? Number(opts.seed) : settings.seed;
  if (!Number.isFinite(seed)) throw new InvalidArgumentError(`--seed must be a number, got '${opts.seed}'`);
  const versions = given.some((v) => /\.x$/.test(v)) ? await expandLines(given) : given;
  // Fail fast, before any cluster starts: each release (or distribution) with its own connector.
  const releases = new Map<string, FlinkRelease>();
  for (const v of versions) releases.set(v, await resolveFlinkRelease(v, settings.kafkaConnectors));
  const versionOf = (v: string) => releases.get(v)?.version ?? v;
  await dockerEngine();

  const selected = selectScenarios(opts.scenarios, availableScenarios());
  const suites = selected.filter((n) => n !== UPGRADE_SCENARIO);
  const ascending = [...versions].sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const newest = ascending.at(-1)!;
  const upgradesWanted = opts.upgrade && selected.includes(UPGRADE_SCENARIO);
  const pairs: [string, string][] = !upgradesWanted
    ? []
    : opts.pairs === 'to-newest'
      ? ascending.slice(0, -1).map((f) => [f, newest])
      : ascending.flatMap((f) => ascending.filter((t) => t !== f).map((t) => [f, t] as [string, string]));
  if (opts.resume !== undefined && !/^[\w.-]+$/.test(opts.resume)) throw new InvalidArgumentError(`--resume takes a matrix id (the name of its folder under out/matrix), got '${opts.resume}'`);
  const matrixId = opts.resume ?? newRunId();
  // A run of a resumed matrix that already wrote its report is read, not run again.
  const runOrReuse = async (run: SuiteRun): Promise<SuiteResult> => {
    const reportDir = path.join(settings.outDir, 'reports', run.runId);
    const report = opts.resume ? await readRunReport(reportDir) : null;
    if (report) process.stderr.write(`reusing ${run.runId} (its report exists)\n`);
    return report ? { runId: run.runId, flinkVersion: run.flinkVersion, exitCode: 0, reportDir, report, wallTimeMs: 0 } : runSuite(run, settings.outDir);
  };
  const startedAt = Date.now();
  const env = { HARNESS_TIER: settings.tier, HARNESS_SEED: String(seed) };
  // What a cell's replay needs besides the pair: the connector map when one is set.
  const replayEnv = { ...env, ...(process.env.KAFKA_CONNECTOR_VERSIONS ? { KAFKA_CONNECTOR_VERSIONS: process.env.KAFKA_CONNECTOR_VERSIONS } : {}) };
  process.stderr.write(
    `matrix ${matrixId}: Flink ${versions.join(', ')}; scenarios ${suites.join(', ') || '(none)'}; ` +
      `${pairs.length} upgrade cell(s)${opts.pairs === 'all' && pairs.length ? ' (N x N, downgrades included)' : ''}; tier ${settings.tier}; seed ${seed}${opts.lock ? `; lock ${opts.lock} per run` : ''}\n`,
  );

  const runs: MatrixRun[] = [];
  if (suites.length > 0) {
    for (const version of versions) {
      const r = await runOrReuse({ runId: `${matrixId}-${version.replace(/[^\w.-]+/g, '_')}`, flinkVersion: version, scenarios: suites, env, lock: opts.lock });
      runs.push({ kind: 'suite', flinkVersion: version, runId: r.runId, vitestExitCode: r.exitCode, ...(r.report ? { reportDir: r.reportDir } : {}), report: r.report });
    }
  }
  for (const [from, to] of pairs) {
    const r = await runOrReuse({
      runId: `${matrixId}-upgrade-${from}-to-${to}`.replace(/[^\w.-]+/g, '_'),
      flinkVersion: to,
      scenarios: [UPGRADE_SCENARIO],
      // One test per cell: the at-least-once upgrade body (the grid's cells are comparable, and ~2 min each).
      testNamePattern: UPGRADE_CELL_TEST,
      lock: opts.lock,
      env: { ...env, HARNESS_UPGRADE_FROM: from, HARNESS_UPGRADE_TO: to },
    });
    runs.push({ kind: 'upgrade', from, flinkVersion: to, runId: r.runId, vitestExitCode: r.exitCode, ...(r.report ? { reportDir: r.reportDir } : {}), report: r.report });
  }

  const summary = summarizeMatrix(runs, pairs.length ? { versions: ascending, env: replayEnv, versionOf } : undefined);
  const outDir = path.resolve(opts.out ?? path.join(settings.outDir, 'matrix', matrixId));
  const files = await writeMatrixReport(outDir, {
    matrixId,
    startedAt,
    finishedAt: Date.now(),
    settings: {
      command: `npm run matrix -- ${process.argv.slice(2).join(' ')}`,
      versions,
      builds: Object.fromEntries([...releases].map(([v, r]) => [v, { flinkVersion: r.version, kafkaConnector: r.kafkaConnector, ...(r.distribution ? { distribution: r.distribution.source, sha256: r.distribution.sha256 } : {}) }])),
      scenarios: selected,
      tier: settings.tier,
      seed,
      pairs: opts.pairs,
      upgrades: pairs.map(([f, t]) => `${f} -> ${t}`),
    },
    runs,
    summary,
  });
  const lines = summary.scenarios.map((n) => `  ${n.padEnd(36)} ${summary.versions.map((v) => `${v} ${summary.cells[n]?.[v]?.status ?? '-'}`).join('  ')}`);
  if (summary.grid) lines.push(formatGridOverview(summary.grid), '', gridMarkdown(summary.grid));
  for (const p of summary.problems) lines.push(`  [could not run] ${p}`);
  process.stdout.write(`\nmatrix ${matrixId}: exit ${summary.exitCode}\n${lines.join('\n')}\n\nMatrix report: ${files.html}\n`);
  return summary.exitCode;
}

/** "2.1.x" -> the newest 2.1 release on PyPI: an error names a line without one. */
async function expandLines(list: string[]): Promise<string[]> {
  const releases = await pypiReleases('apache-flink');
  return list.map((v) => {
    const r = expandRelease(v, releases);
    if (!r) throw new HarnessError(`--versions: ${v} names a Flink line with no release on PyPI.`, 'Name a release (2.1.3) or a line that has one (2.1.x).');
    return r;
  });
}
