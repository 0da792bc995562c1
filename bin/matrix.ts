// `npm run matrix`: the scenario suites over a list of Flink releases, one
// vitest run (and one run report, every result tagged with its release) per
// release, then the upgrade scenario from each older release to the newest.
// Writes out/matrix/<id>/ (matrix.json, index.html). Exit: 0 all passed,
// 1 a scenario or upgrade did not pass, 3 a run wrote no report / bad usage.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { loadSettings, parseVersionList } from '../config/settings.js';
import { resolveFlinkRelease } from '../containers/artifacts/flink-release.js';
import { compareVersions } from '../containers/artifacts/versions.js';
import { dockerEngine } from '../containers/engine.js';
import { summarizeMatrix, writeMatrixReport, type MatrixRun } from '../reports/gate-matrix.js';
import { availableScenarios } from '../scenarios/harness/catalogue.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { runSuite, selectScenarios, UPGRADE_SCENARIO } from '../scenarios/harness/suite-run.js';

const program = new Command('matrix')
  .description('Run the scenario suites on each Flink release of the version matrix, then the upgrades between them.')
  .option('--versions <list>', 'comma-separated Flink releases (default: FLINK_VERSIONS; smoke: FLINK_VERSION, nightly: 1.20.3,2.2.1)')
  .option('--scenarios <glob>', 'scenario files to run, comma-separated names or globs (default: all)')
  .option('--tier <tier>', "'smoke' or 'nightly' (default: HARNESS_TIER or smoke)")
  .option('--seed <n>', 'seed for generated fault schedules, the same for every release (default: random, printed)')
  .option('--no-upgrade', `skip the ${UPGRADE_SCENARIO} scenario between releases`)
  .option('--out <dir>', 'where the matrix summary goes (default: <out>/matrix/<id>)')
  .exitOverride();

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 3);
  throw e;
}
const opts = program.opts<{ versions?: string; scenarios?: string; tier?: string; seed?: string; upgrade: boolean; out?: string }>();

try {
  process.exit(await matrix());
} catch (e) {
  process.stderr.write(`matrix could not run: ${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(3);
}

async function matrix(): Promise<number> {
  if (opts.tier && opts.tier !== 'smoke' && opts.tier !== 'nightly') throw new InvalidArgumentError(`--tier must be smoke or nightly, got '${opts.tier}'`);
  if (opts.tier) process.env.HARNESS_TIER = opts.tier;
  const settings = loadSettings();
  const versions = opts.versions ? parseVersionList(opts.versions) : settings.flinkVersions;
  if (versions.length === 0) throw new InvalidArgumentError('--versions lists no release');
  const seed = opts.seed !== undefined ? Number(opts.seed) : settings.seed;
  if (!Number.isFinite(seed)) throw new InvalidArgumentError(`--seed must be a number, got '${opts.seed}'`);
  for (const v of versions) await resolveFlinkRelease(v, settings.kafkaConnectors);
  await dockerEngine();

  const selected = selectScenarios(opts.scenarios, availableScenarios());
  const suites = selected.filter((n) => n !== UPGRADE_SCENARIO);
  const ascending = [...versions].sort(compareVersions);
  const newest = ascending.at(-1)!;
  const upgradeFrom = opts.upgrade && selected.includes(UPGRADE_SCENARIO) ? ascending.slice(0, -1) : [];
  const matrixId = newRunId();
  const startedAt = Date.now();
  const env = { HARNESS_TIER: settings.tier, HARNESS_SEED: String(seed) };
  process.stderr.write(
    `matrix ${matrixId}: Flink ${versions.join(', ')}; scenarios ${suites.join(', ') || '(none)'}; ` +
      `upgrades ${upgradeFrom.map((f) => `${f} -> ${newest}`).join(', ') || 'none'}; tier ${settings.tier}; seed ${seed}\n`,
  );

  const runs: MatrixRun[] = [];
  if (suites.length > 0) {
    for (const version of versions) {
      const r = await runSuite({ runId: `${matrixId}-${version}`, flinkVersion: version, scenarios: suites, env }, settings.outDir);
      runs.push({ kind: 'suite', flinkVersion: version, runId: r.runId, vitestExitCode: r.exitCode, ...(r.report ? { reportDir: r.reportDir } : {}), report: r.report });
    }
  }
  for (const from of upgradeFrom) {
    const r = await runSuite(
      { runId: `${matrixId}-upgrade-${from}`, flinkVersion: newest, scenarios: [UPGRADE_SCENARIO], env: { ...env, HARNESS_UPGRADE_FROM: from, HARNESS_UPGRADE_TO: newest } },
      settings.outDir,
    );
    runs.push({ kind: 'upgrade', from, flinkVersion: newest, runId: r.runId, vitestExitCode: r.exitCode, ...(r.report ? { reportDir: r.reportDir } : {}), report: r.report });
  }

  const summary = summarizeMatrix(runs);
  const outDir = path.resolve(opts.out ?? path.join(settings.outDir, 'matrix', matrixId));
  const files = await writeMatrixReport(outDir, {
    matrixId,
    startedAt,
    finishedAt: Date.now(),
    settings: { command: `npm run matrix -- ${process.argv.slice(2).join(' ')}`, versions, scenarios: selected, tier: settings.tier, seed, upgrades: upgradeFrom.map((f) => `${f} -> ${newest}`) },
    runs,
    summary,
  });
  const lines = summary.scenarios.map((n) => `  ${n.padEnd(36)} ${summary.versions.map((v) => `${v} ${summary.cells[n]?.[v]?.status ?? '-'}`).join('  ')}`);
  for (const u of summary.upgrades) lines.push(`  upgrade ${u.from} -> ${u.to}: ${u.status}${u.restore ? ` (${u.restore})` : ''}`);
  for (const p of summary.problems) lines.push(`  [could not run] ${p}`);
  process.stdout.write(`\nmatrix ${matrixId}: exit ${summary.exitCode}\n${lines.join('\n')}\n\nMatrix report: ${files.html}\n`);
  return summary.exitCode;
}
