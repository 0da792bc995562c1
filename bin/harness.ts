// `npm start`: run the playground's scenarios against fresh clusters and
// print the verdicts; the HTML report is the run's main artefact.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { isHarnessError } from '../config/harness-error.js';
import { loadSettings, REPO_ROOT } from '../config/settings.js';
import { dockerEngine } from '../containers/engine.js';
import { describeFlinkBuild, resolveFlinkRelease } from '../containers/artifacts/flink-release.js';
import { availableScenarios, selectScenarios } from '../scenarios/harness/catalogue.js';
import { PROFILES } from '../containers/profiles/profile.js';
import { resolveProfile } from '../containers/profiles/resolve.js';
import { loadJobDeclaration } from '../config/job-declaration.js';

const program = new Command('harness')
  .description('Run the Flink operations scenarios (fresh cluster each) and write a report.')
  .option('-s, --scenario <name...>', `scenarios to run (default: all): ${availableScenarios().join(', ')}`)
  .option('--flink-version <version>', 'Flink release to test, or dist:<folder or .tgz> for a local distribution (default: FLINK_VERSION, FLINK_DIST, or the newest 2.x with a Kafka connector)')
  .option('--nightly', 'include the slow nightly-tier checks')
  .option('--profile <name>', `production profile to run under (HARNESS_PROFILE): ${PROFILES.map((p) => p.name).join(', ')}`)
  .option('--flink-conf <path>', "the team's own Flink config.yaml, merged over the harness's defaults (HARNESS_FLINK_CONF)")
  .option('--job <file>', 'a job declaration (YAML/JSON, e.g. jobs/dedup.yaml): run the own-job scenarios on that job (HARNESS_JOB)')
  .option('--list', 'list the scenarios and exit')
  .parse();
const opts = program.opts<{ scenario?: string[]; flinkVersion?: string; nightly?: boolean; list?: boolean; profile?: string; flinkConf?: string; job?: string }>();

try {
  if (opts.list) {
    process.stdout.write(`${availableScenarios().join('\n')}\n`);
    process.exit(0);
  }
  // --job: the declaration is checked here (one error naming the field), then the own-job scenarios and its fault schedules (suite own-job) run it.
  if (opts.job) {
    process.env.HARNESS_JOB = path.resolve(opts.job);
    const job = loadJobDeclaration(process.env.HARNESS_JOB);
    process.stderr.write(`Job ${job.name}: ${job.entryClass} (${job.jar === 'builtin' ? 'the harness\'s own jar' : job.jar}), ${job.sink}, reference: ${job.reference}\n`);
  }
  const files = selectScenarios(opts.scenario ?? (opts.job ? ['own-job', 'fault-schedules'] : []), availableScenarios());
  if (opts.flinkVersion) process.env.FLINK_VERSION = opts.flinkVersion;
  if (opts.nightly) process.env.HARNESS_TIER = 'nightly';
  if (opts.profile) process.env.HARNESS_PROFILE = opts.profile;
  if (opts.flinkConf) process.env.HARNESS_FLINK_CONF = path.resolve(opts.flinkConf);
  // Fail fast, before vitest starts, on the two mistakes a newcomer makes first.
  await dockerEngine();
  // The connector settings too: KAFKA_CONNECTOR_VERSIONS / KAFKA_CONNECTOR_VERSION make 2.3.0 (no connector of its line) usable.
  const settings = loadSettings();
  // A local distribution (dist:<path>) is read here too: a folder that is not one is one error naming what it lacks.
  const release = await resolveFlinkRelease(settings.flinkVersion, settings.kafkaConnectors);
  if (release.distribution) process.stderr.write(`${describeFlinkBuild(release)}\n`);
  // An unknown profile, a choice the release lacks, or a refused --flink-conf key: one error before any container starts.
  resolveProfile(settings, release.version);
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npx', ['vitest', 'run', '--project', 'cluster', ...files], { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
    child.on('close', (c) => resolve(c ?? 1));
  });
  printSummary();
  process.exit(code);
} catch (e) {
  process.stderr.write(`${isHarnessError(e) ? e.describe() : String((e as Error)?.stack ?? e)}\n`);
  process.exit(2);
}

function printSummary(): void {
  const latest = path.join(loadSettings().outDir, 'reports', 'latest');
  const json = path.join(latest, 'report.json');
  if (!existsSync(json)) return;
  const report = JSON.parse(readFileSync(json, 'utf8')) as {
    scenarios: {
      name: string;
      flinkVersion: string;
      status: string;
      durationMs: number;
      verdict?: { ok: boolean };
      outcome?: { outcome: string; reasons: { code: string; effect: string }[] };
      extra?: { profile?: { name: string; how: string } };
    }[];
  };
  // Outcome first: what the gate reads; "why" names the decisive reason codes of a run that did not pass.
  const rows = report.scenarios.map((s) => {
    const why = [...new Set((s.outcome?.reasons ?? []).filter((r) => r.effect !== 'info').map((r) => r.code))].join(', ');
    const profile = s.extra?.profile ? `${s.extra.profile.name}${s.extra.profile.how === 'drawn' ? '*' : ''}` : '-';
    return [s.name.padEnd(34), s.flinkVersion.padEnd(8), profile.padEnd(20), (s.outcome?.outcome ?? s.status).padEnd(12), (s.verdict ? (s.verdict.ok ? 'ok' : 'FAIL') : '-').padEnd(6), `${(s.durationMs / 1000).toFixed(0)} s`.padEnd(6), why].join('  ');
  });
  const tally = (o: string) => report.scenarios.filter((s) => (s.outcome?.outcome ?? (s.status === 'passed' ? 'pass' : 'fail')) === o).length;
  process.stdout.write(`\n${['scenario'.padEnd(34), 'flink'.padEnd(8), 'profile (*: drawn)'.padEnd(20), 'outcome'.padEnd(12), 'oracle', 'time'.padEnd(6), 'why'].join('  ')}\n${rows.join('\n')}\n`);
  process.stdout.write(`${tally('pass')} pass, ${tally('inconclusive')} inconclusive, ${tally('fail')} fail\n`);
  process.stdout.write(`\nReport: ${path.join(realpathSync(latest), 'index.html')}\n`);
}
