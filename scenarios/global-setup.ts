import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { isHarnessError } from '../config/harness-error.js';
import { info } from '../config/progress.js';
import { loadSettings } from '../config/settings.js';
import { describeFlinkBuild, describeKafkaConnector } from '../containers/artifacts/flink-release.js';
import { prepareImages } from '../containers/images/index.js';
import { sweep } from '../containers/janitor.js';
import { startWatchdog } from '../containers/watchdog.js';
import { historyFromJson } from '../history/serialize.js';
import type { ScenarioResult } from '../reports/run-report.js';
import { readCalibrationMatrix } from '../reports/calibration-matrix.js';
import { writeRunReport } from '../reports/write-run-report.js';
import { newRunId } from './harness/run-id.js';

/**
 * Once per `npm test` (cluster project): sweep leftovers of crashed runs,
 * build or reuse the images, and at the end write the run report.
 */
export default async function setup(project: TestProject) {
  const settings = loadSettings();
  const runId = process.env.HARNESS_RUN_ID ?? newRunId();
  const runDir = path.join(settings.outDir, 'runs', runId);
  await mkdir(runDir, { recursive: true });
  // Removes the run's containers within seconds if this process dies without its teardown (SIGKILL, OOM).
  const watchdog = startWatchdog(runId, path.join(runDir, 'watchdog.log'));
  const startedAt = Date.now();
  let connector: string | undefined;
  let build: string | undefined;
  try {
    const swept = await sweep({ crashed: true });
    if (swept.containers.length) info(`Removed ${swept.containers.length} container(s) left by crashed runs`);
    const images = await prepareImages(settings);
    // Which flink-connector-kafka the run's job jar was built against, and where it came from.
    connector = describeKafkaConnector(images.release);
    // Which Flink build the clusters ran: PyPI's release or a local distribution (its sha256), and the image tag.
    build = describeFlinkBuild(images.release, images.flinkImage);
    project.provide('harness', { runId, runDir, settings, images });
  } catch (e) {
    // One clear error instead of a stack trace per scenario.
    if (isHarnessError(e)) throw new Error(`\n${e.describe()}\n`);
    throw e;
  }

  return async () => {
    await sweep({ runId });
    watchdog.release();
    const scenarios = await readResults(runDir);
    if (scenarios.length === 0) return;
    const reportDir = path.join(settings.outDir, 'reports', runId);
    await writeRunReport(reportDir, {
      runId,
      startedAt,
      finishedAt: Date.now(),
      settings: { ...settings, node: process.version },
      versions: connector || build ? { ...(build ? { 'flink build': build } : {}), ...(connector ? { 'flink-connector-kafka': connector } : {}) } : undefined,
      scenarios,
      calibration: await readCalibrationMatrix(runDir).catch(() => undefined),
    });
    const latest = path.join(settings.outDir, 'reports', 'latest');
    await rm(latest, { force: true });
    await symlink(runId, latest).catch(() => undefined);
    info(`Report: ${path.join(reportDir, 'index.html')}`);
  };
}

async function readResults(runDir: string): Promise<ScenarioResult[]> {
  const dir = path.join(runDir, 'scenarios');
  if (!existsSync(dir)) return [];
  const out: ScenarioResult[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const file = path.join(dir, name, 'result.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(await readFile(file, 'utf8'));
    out.push({ ...json, history: json.history ? historyFromJson(json.history) : undefined });
  }
  return out.sort((a, b) => (a.history?.startedAt ?? 0) - (b.history?.startedAt ?? 0));
}
