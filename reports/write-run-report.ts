// Writes one run's report.json and index.html. A chart that fails to render
// becomes a note on the page: the report itself must always be written.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { deriveFigures } from '../history/derived.js';
import { historyToJson } from '../history/serialize.js';
import { outputRateChart } from './charts/output-rate-chart.js';
import { recoveryChart } from './charts/recovery-chart.js';
import { renderSvg } from './charts/render-svg.js';
import { windowHeatmapChart } from './charts/window-heatmap-chart.js';
import { html, trusted, type Html } from './html.js';
import { renderCalibrationMatrix } from './calibration-matrix.js';
import { indexPage, type PageScenario } from './index-page.js';
import { scenarioAnchor, type RunReport, type RunReportJson } from './run-report.js';
import { renderSqlUpgradeTable, sqlUpgradeTable } from './sql-upgrade-side-by-side.js';
import { scenarioSection } from './scenario-section.js';

export interface WrittenReport {
  dir: string;
  json: string;
  html: string;
}

export function defaultReportDir(runId: string): string {
  return path.join('out', 'reports', runId.replace(/[^\w.-]/g, '_'));
}

export async function writeRunReport(dir: string | undefined, run: RunReport): Promise<WrittenReport> {
  const outDir = path.resolve(dir ?? defaultReportDir(run.runId));
  await mkdir(outDir, { recursive: true });
  const finishedAt = run.finishedAt ?? Date.now();
  const flink = [...new Set(run.scenarios.map((s) => s.flinkVersion))].join(', ');
  const versions = { node: process.versions.node, vega: vega.version, 'vega-lite': vl.version, flink, ...run.versions };

  const scenarios: PageScenario[] = [];
  for (const [i, result] of run.scenarios.entries()) {
    const id = scenarioAnchor(i, result.name);
    const derived = result.history ? deriveFigures(result.history) : undefined;
    const charts =
      result.history && derived
        ? [await chart(outputRateChart(result.history, derived)), await chart(windowHeatmapChart(result.history, result.verdict))]
        : [];
    const section = scenarioSection({ id, result, derived, charts, link: (v) => linkTo(outDir, v) });
    scenarios.push({ id, result, derived, section });
  }
  const sqlUpgrades = sqlUpgradeTable(run.scenarios);
  const withRecoveries = scenarios.flatMap((s) => (s.derived?.recoveries.length ? [{ scenario: s.result.name, recoveries: s.derived.recoveries }] : []));
  const page = indexPage({
    run,
    finishedAt,
    versions,
    scenarios,
    recoveryChart: withRecoveries.length > 0 ? await chart(recoveryChart(withRecoveries)) : undefined,
    calibration: run.calibration ? renderCalibrationMatrix(run.calibration) : undefined,
    sqlUpgrades: renderSqlUpgradeTable(sqlUpgrades),
  });

  const json: RunReportJson = {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt,
    wallTimeMs: finishedAt - run.startedAt,
    settings: run.settings,
    versions,
    scenarios: scenarios.map(({ result: { history, ...rest }, derived }) => ({
      ...rest,
      ...(history ? { history: historyToJson(history) } : {}),
      ...(derived ? { derived } : {}),
    })),
    ...(run.calibration ? { calibration: run.calibration } : {}),
    ...(sqlUpgrades.rows.length ? { sqlUpgrades } : {}),
  };
  const files = { dir: outDir, json: path.join(outDir, 'report.json'), html: path.join(outDir, 'index.html') };
  await writeFile(files.json, JSON.stringify(json, null, 1) + '\n');
  await writeFile(files.html, page);
  return files;
}

async function chart(spec: TopLevelSpec): Promise<Html> {
  try {
    return trusted(await renderSvg(spec));
  } catch (e) {
    return html`<p class="error">Chart "${String(spec.title ?? '')}" could not be rendered: ${(e as Error).message}</p>`;
  }
}

/** Paths (not URLs) from `extra` become links relative to the report folder. */
function linkTo(reportDir: string, value: string): string | undefined {
  const looksLikePath = /^(\/|\.\.?\/)/.test(value) || /\.(png|jpe?g|svg|log|txt|json|html|xml|gz)$/i.test(value);
  if (!looksLikePath || /^[a-z][\w+.-]*:/i.test(value)) return undefined;
  const relative = path.isAbsolute(value) ? path.relative(reportDir, value) : value;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}
