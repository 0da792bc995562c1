// The whole run on one self-contained page: the summary first (outcome per
// scenario and why), then the settings that reproduce it, then each scenario. No scripts, no external assets.
import type { DerivedFigures } from '../history/derived.js';
import { formatDuration, formatInstant, formatValue } from './format.js';
import { html, type Html } from './html.js';
import type { RunReport, ScenarioResult } from './run-report.js';

export interface PageScenario {
  id: string;
  result: ScenarioResult;
  derived?: DerivedFigures;
  section: Html;
}

export interface PageInput {
  run: RunReport;
  finishedAt: number;
  versions: Record<string, string>;
  scenarios: PageScenario[];
  recoveryChart?: Html;
  /** The calibration kill matrix, rendered (reports/calibration-matrix.ts). */
  calibration?: Html;
  /** The SQL job's upgrades, plain SQL beside compiled plan, rendered (reports/sql-upgrade-side-by-side.ts). */
  sqlUpgrades?: Html;
}

export function indexPage({ run, finishedAt, versions, scenarios, recoveryChart, calibration, sqlUpgrades }: PageInput): string {
  const counts = { passed: 0, inconclusive: 0, failed: 0, error: 0 };
  for (const s of scenarios) counts[s.result.status]++;
  const tally = `${counts.passed} passed, ${counts.inconclusive} inconclusive, ${counts.failed} failed, ${counts.error} error`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Run ${run.runId}: ${tally}</title>
<style>${STYLE}</style></head>
<body>
<h1>Run ${run.runId}</h1>
<p class="meta">started ${formatInstant(run.startedAt)} · finished ${formatInstant(finishedAt)} · wall time ${formatDuration(finishedAt - run.startedAt)} ·
<strong>${tally}</strong></p>
<h2>Summary</h2>
<table id="summary"><thead><tr><th>scenario</th><th>Flink</th><th>profile</th><th>outcome</th><th>why</th><th>oracle</th><th>duration</th><th>recovery (job / output)</th><th>duplicates</th></tr></thead><tbody>
${scenarios.map(summaryRow)}
</tbody></table>
${recoveryChart ? html`<figure>${recoveryChart}</figure>` : ''}
${sqlUpgrades ?? ''}
${calibration ?? ''}
<h2>Settings</h2>
<table class="kv">${Object.entries(run.settings).map(([k, v]) => html`<tr><th>${k}</th><td><code>${formatValue(v)}</code></td></tr>`)}</table>
<details><summary>Settings as JSON</summary><pre>${JSON.stringify(run.settings, null, 2)}</pre></details>
<p class="meta">Versions: ${Object.entries(versions).map(([k, v], i) => html`${i > 0 ? ' · ' : ''}${k} <code>${v}</code>`)}</p>

${scenarios.map((s) => s.section)}
</body></html>
`.text;
}

function summaryRow({ id, result, derived }: PageScenario): Html {
  const v = result.verdict;
  const verdict = v
    ? `${v.ok ? 'ok' : 'FAILED'}: ${v.summary.bySeverity.failure} failure(s), ${v.summary.bySeverity.tolerated} tolerated, ${v.summary.bySeverity.info} info`
    : result.error
      ? `no verdict: ${firstLine(result.error)}`
      : 'no verdict';
  const recoveries = derived?.recoveries ?? [];
  const recovery =
    recoveries.length === 0
      ? '–'
      : recoveries.map((r) => `${formatDuration(r.runningAfterMs)} / ${formatDuration(r.outputCaughtUpMs)}`).join('; ');
  const duplicates = v
    ? v.summary.duplicateRecords
    : derived
      ? derived.duplicatesByFault.reduce((n, r) => n + r.identical + r.conflicting, 0)
      : '–';
  const decisive = result.outcome?.reasons.filter((r) => r.effect !== 'info') ?? [];
  const why = decisive.length ? decisive.slice(0, 3).map((r) => r.code).join(', ') + (decisive.length > 3 ? ` (+${decisive.length - 3})` : '') : '–';
  return html`<tr class="${result.status}"><td><a href="#${id}">${result.name}</a></td><td>${result.flinkVersion}</td><td>${profileCell(result.extra?.profile)}</td>
<td><span class="status ${result.status}">${result.status}</span></td><td><code>${why}</code></td><td>${verdict}</td><td>${formatDuration(result.durationMs)}</td>
<td>${recovery}</td><td>${duplicates}</td></tr>\n`;
}

/** The production profile the scenario ran under, and whether it was drawn from the seed or given. */
function profileCell(p: unknown): string {
  const profile = p as { name?: string; how?: string } | undefined;
  if (!profile?.name) return '–';
  return profile.how === 'drawn' ? `${profile.name} (drawn)` : profile.name;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; } h3 { margin-bottom: .4rem; }
.meta { color: #555; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th, table.kv th { background: #f4f4f4; }
tr.failure td { background: #fdecea; } tr.tolerated td { background: #fff8e1; } tr.info td { color: #666; }
.status { padding: .05rem .45rem; border-radius: .3rem; font-size: .85rem; color: white; }
.status.passed { background: #27ae60; } .status.failed { background: #c0392b; } .status.error { background: #8e44ad; } .status.inconclusive { background: #b7791f; }
tr.inconclusive td { background: #fff8e1; } tr.effect-fail td { background: #fdecea; } tr.effect-inconclusive td { background: #fff8e1; } tr.effect-info td { color: #555; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; } pre.error { background: #fdecea; white-space: pre-wrap; }
figure { margin: 1rem 0; overflow-x: auto; } figure svg { max-width: 100%; height: auto; } .charts figure { display: block; }
details { margin: 1rem 0; } summary { cursor: pointer; font-weight: bold; }
table.timeline td:first-child { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.fault td { background: #fdecea; } tr.checkpoint td { color: #666; }
`;
