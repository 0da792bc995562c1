// `npm run campaign -- --scenario <name|glob> --runs N [--until-fail] [--shard i/n] [--seed s]`:
// how often does a correct Flink get a red verdict? Repeats scenario files
// (fault schedules included), each run its own `vitest run` with its own run
// id and seed, so every scenario starts on a fresh cluster; reads each run's
// report (never re-judges), prints a line per run and a summary per scenario,
// and writes campaign.json + index.html. Exit: 0 no run failed, 1 a run
// failed (inconclusive runs do not fail the campaign; they are counted), 2 the
// campaign could not run.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readdir, readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { loadSettings, REPO_ROOT } from '../config/settings.js';
import { resolveFlinkRelease } from '../containers/artifacts/flink-release.js';
import { dockerEngine } from '../containers/engine.js';
import { writeCampaignReport } from '../reports/campaign-html.js';
import { parseShard, planCampaign, runReplayCommand, shardOf, WHOLE, type PlannedRun, type Shard } from '../reports/campaign-plan.js';
import {
  CAMPAIGN_KIND,
  campaignResults,
  formatCampaignSummary,
  runOutcome,
  summarise,
  type CampaignReport,
  type CampaignRun,
  type ScenarioResultLike,
} from '../reports/campaign-summary.js';
import { availableScenarios } from '../scenarios/harness/catalogue.js';
import { newRunId } from '../scenarios/harness/run-id.js';
import { readRunReport, scenarioFile, selectScenarios } from '../scenarios/harness/suite-run.js';

const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number >= 1, got '${v}'`);
  return n;
};
const seedArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 31) throw new InvalidArgumentError(`--seed must be a whole number in [0, 2^31), got '${v}'`);
  return n;
};

const shardArg = (v: string) => {
  try {
    return parseShard(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const program = new Command('campaign')
  .description('Repeat scenarios on fresh clusters with seeds and count pass / fail / inconclusive per scenario.')
  .requiredOption('--scenario <glob>', `scenario files, comma-separated names or globs (e.g. 'playground', 'savepoint-*,rescale', '*'): ${availableScenarios().join(', ')}`)
  .option('--runs <n>', 'runs of each scenario', positiveInt('--runs'), 1)
  .option('--until-fail', 'stop at the first failed run (at most --runs of each)')
  .option('--shard <i/n>', 'run only shard i of n (every n-th run of the plan); merge the shards with `npm run report:merge`', shardArg)
  .option('--seed <n>', 'campaign seed; each run gets its own seed from it (default: random, printed). Shards must share it', seedArg)
  .option('-t, --test <pattern>', "only the tests matching this (vitest's -t), e.g. 'fault schedules \\[at-least-once\\]'")
  .option('--flink-version <version>', 'Flink release (default: FLINK_VERSION or the default release)')
  .option('--out <dir>', 'where campaign.json and index.html go (default: <out>/campaigns/<campaign id>)')
  .option('--lock <file>', 'hold this lock file (flock) for each run on its own, so a campaign shares one Docker engine with other work (a run\'s wall time then includes its wait; scenario times do not)')
  .exitOverride();

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  throw e;
}
const opts = program.opts<{ scenario: string; runs: number; untilFail?: boolean; shard?: Shard; seed?: number; test?: string; flinkVersion?: string; out?: string; lock?: string }>();

try {
  process.exit(await main());
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  if (opts.flinkVersion) process.env.FLINK_VERSION = opts.flinkVersion;
  const settings = loadSettings();
  const scenarios = selectScenarios(opts.scenario, availableScenarios());
  const shard = opts.shard ?? WHOLE;
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  // Fail fast, before the first run, on no engine or an unknown release.
  await dockerEngine();
  const flinkVersion = (await resolveFlinkRelease(settings.flinkVersion)).version;
  const tier = process.env.HARNESS_TIER;

  const plan = planCampaign(scenarios, opts.runs, seed);
  const mine = shardOf(plan, shard);
  const campaignId = `${newRunId()}${shard.count > 1 ? `-shard${shard.index}of${shard.count}` : ''}`;
  const outDir = path.resolve(opts.out ?? path.join(settings.outDir, 'campaigns', campaignId));
  await mkdir(path.join(outDir, 'logs'), { recursive: true });
  const report: CampaignReport = {
    kind: CAMPAIGN_KIND,
    campaignId,
    campaign: { scenarios, runsPerScenario: opts.runs, seed, untilFail: !!opts.untilFail, ...(opts.test ? { test: opts.test } : {}), flinkVersion },
    shards: [shard],
    planned: plan.length,
    notRun: mine.length,
    startedAt: Date.now(),
    finishedAt: Date.now(),
    runs: [],
    summary: summarise([]),
  };
  process.stderr.write(
    `campaign ${campaignId}: ${scenarios.join(', ')} x ${opts.runs}, Flink ${flinkVersion}, seed ${seed}` +
      `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}: ${mine.length} of ${plan.length} run(s)${opts.untilFail ? ', until the first failure' : ''}\n` +
      `  vitest output of each run: ${path.join(outDir, 'logs')}/\n`,
  );

  let interrupted = false;
  process.on('SIGINT', () => {
    // The running vitest got the same Ctrl-C and cleans up; the campaign then writes what it has.
    interrupted = true;
  });
  for (const [i, planned] of mine.entries()) {
    if (interrupted) break;
    const run = await runOnce(planned, { outDir, flinkVersion, tier, test: opts.test, outRoot: settings.outDir, lock: opts.lock });
    report.runs.push(run);
    report.notRun = mine.length - report.runs.length;
    report.finishedAt = Date.now();
    report.summary = summarise(report.runs);
    await writeCampaignReport(outDir, report);
    const s = report.summary;
    const why = [...run.runReasons, ...run.results.flatMap((r) => r.reasons.map((m) => `${r.name}: ${m}`))][0];
    process.stderr.write(
      `campaign [${i + 1}/${mine.length}] ${planned.scenario} #${planned.repetition} seed ${planned.seed}: ${run.outcome} in ${(run.wallTimeMs / 1000).toFixed(0)} s ` +
        `(run ${run.runId}${why ? `; ${why.slice(0, 160)}` : ''}) | so far pass ${s.pass}, fail ${s.fail}, inconclusive ${s.inconclusive}\n`,
    );
    if (opts.untilFail && run.outcome === 'fail') break;
  }

  const files = await writeCampaignReport(outDir, report);
  process.stdout.write(`\n${formatCampaignSummary(report.summary)}\n`);
  if (report.notRun) process.stdout.write(`${report.notRun} planned run(s) not run${interrupted ? ' (interrupted)' : opts.untilFail ? ' (stopped at the first failure)' : ''}\n`);
  process.stdout.write(`\nCampaign report: ${files.html}\n`);
  return report.summary.fail > 0 ? 1 : interrupted ? 2 : 0;
}

async function runOnce(
  planned: PlannedRun,
  o: { outDir: string; outRoot: string; flinkVersion: string; tier?: string; test?: string; lock?: string },
): Promise<CampaignRun> {
  const runId = newRunId();
  const started = Date.now();
  const logRel = path.join('logs', `${String(planned.index).padStart(4, '0')}-${planned.scenario}-${planned.repetition}.log`);
  const log = createWriteStream(path.join(o.outDir, logRel));
  const args = ['vitest', 'run', '--project', 'cluster', scenarioFile(planned.scenario), ...(o.test ? ['-t', o.test] : [])];
  const env = { ...process.env, FLINK_VERSION: o.flinkVersion, HARNESS_RUN_ID: runId, HARNESS_SEED: String(planned.seed) };
  const exitCode = await new Promise<number>((resolve) => {
    const [command, ...rest] = o.lock ? ['flock', o.lock, 'npx', ...args] : ['npx', ...args];
    const child = spawn(command!, rest, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  await new Promise((r) => log.end(r));
  const scenarios = await readScenarioResults(o.outRoot, runId);
  const results = campaignResults(scenarios);
  return {
    ...planned,
    runId,
    startedAt: started,
    wallTimeMs: Date.now() - started,
    exitCode,
    results,
    ...runOutcome(results, exitCode),
    replay: runReplayCommand(planned, { flinkVersion: o.flinkVersion, test: o.test, tier: o.tier }),
    log: logRel,
  };
}

/** The run report's scenarios; when the run wrote none (killed, teardown failed), the scenarios' own result.json files. */
async function readScenarioResults(outRoot: string, runId: string): Promise<ScenarioResultLike[]> {
  const report = await readRunReport(path.join(outRoot, 'reports', runId));
  if (report) return report.scenarios as ScenarioResultLike[];
  const dir = path.join(outRoot, 'runs', runId, 'scenarios');
  if (!existsSync(dir)) return [];
  const out: ScenarioResultLike[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const file = path.join(dir, name, 'result.json');
    if (existsSync(file)) out.push(JSON.parse(await readFile(file, 'utf8')) as ScenarioResultLike);
  }
  return out;
}
