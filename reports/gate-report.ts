// Writes the gate's comparison as gate.json and a self-contained index.html:
// verdicts side by side, recovery time, throughput and checkpoint size,
// baseline vs candidate. It formats the comparison; it never re-decides it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration, formatInstant } from './format.js';
import type { ComparisonRow, GateComparison, ScenarioFigures, UpgradeFigures } from './gate-comparison.js';
import type { GateOverview } from './gate-overview.js';
import { html, type Html } from './html.js';

export interface GateRunLinks {
  /** Folders of the run reports (each with index.html and report.json). */
  baseline?: string;
  candidate?: string;
  upgrade?: string;
}

export interface GateReportInput {
  gateId: string;
  startedAt: number;
  finishedAt: number;
  /** The command line and settings that reproduce the gate. */
  settings: Record<string, unknown>;
  comparison: GateComparison;
  runs: GateRunLinks;
  /** What regressed, where, and the replay commands: the page's first screen. */
  overview?: GateOverview;
}

export async function writeGateReport(dir: string, input: GateReportInput): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, 'gate.json'), html: path.join(dir, 'index.html') };
  const runs = Object.fromEntries(Object.entries(input.runs).map(([k, v]) => [k, v ? path.relative(dir, v) : undefined]));
  await writeFile(files.json, JSON.stringify({ ...input, runs }, null, 1) + '\n');
  await writeFile(files.html, gatePage({ ...input, runs }));
  return files;
}

export function gatePage(input: GateReportInput): string {
  const g = input.comparison;
  const s = g.summary;
  const title = `Gate ${g.baseline.version} → ${g.candidate.version}: ${g.verdict} (exit ${g.exitCode})`;
  const link = (label: string, dir: string | undefined) => (dir ? html`<a href="${`${dir.split(path.sep).map(encodeURIComponent).join('/')}/index.html`}">${label}</a>` : html`${label} (no report)`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style></head>
<body>
<h1 class="${g.exitCode === 0 ? 'ok' : g.verdict === 'inconclusive' ? 'unknown' : 'bad'}">${title}</h1>
<p class="meta">gate ${input.gateId} · started ${formatInstant(input.startedAt)} · wall time ${formatDuration(input.finishedAt - input.startedAt)} ·
run reports: ${link(`baseline ${g.baseline.version}`, input.runs.baseline)} · ${link(`candidate ${g.candidate.version}`, input.runs.candidate)} ·
${g.upgrade?.ran !== false || input.runs.upgrade ? link(`upgrade ${g.baseline.version} → ${g.candidate.version}`, input.runs.upgrade) : 'upgrade not run'}</p>
${input.overview ? overviewSection(input.overview) : ''}
<h2>Summary</h2>
<ul>
<li>${s.scenarios} scenario(s): <strong>${s.passedOnBoth}</strong> pass on both, <strong class="${s.correctnessRegressions ? 'bad' : ''}">${s.correctnessRegressions}</strong> correctness regression(s),
<strong class="${s.recoveryRegressions ? 'bad' : ''}">${s.recoveryRegressions}</strong> recovery-time regression(s), ${s.failingOnBoth} failing on both, ${s.fixedOnCandidate} fixed on the candidate,
<strong class="${s.inconclusive ? 'unknown' : ''}">${s.inconclusive}</strong> inconclusive (counted apart: not a pass)</li>
<li>upgrade ${g.baseline.version} → ${g.candidate.version}: <strong class="${s.upgrade === 'failed' ? 'bad' : ''}">${s.upgrade}</strong>${g.upgrade && !g.upgrade.ran ? ` (${g.upgrade.reason})` : ''}</li>
<li>recovery-time threshold: slower by more than ${g.thresholds.recoveryRegressionPct} % and by at least ${formatDuration(g.thresholds.recoveryMinDeltaMs)}</li>
</ul>
${g.problems.length ? html`<h2 class="bad">Could not compare</h2><ul>${g.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
${findingsList(g.rows)}
${g.upgrade?.ran ? upgradeTable(g.upgrade.figures) : ''}
<h2>Scenarios, baseline ${g.baseline.version} vs candidate ${g.candidate.version}</h2>
<table id="scenarios"><thead>
<tr><th rowspan="2">scenario</th><th colspan="2">verdict</th><th colspan="3">recovery (slowest fault → job running)</th><th colspan="2">input events/s</th><th colspan="2">output records/s</th><th colspan="2">largest checkpoint</th></tr>
<tr><th>${g.baseline.version}</th><th>${g.candidate.version}</th><th>${g.baseline.version}</th><th>${g.candidate.version}</th><th>change</th><th>${g.baseline.version}</th><th>${g.candidate.version}</th><th>${g.baseline.version}</th><th>${g.candidate.version}</th><th>${g.baseline.version}</th><th>${g.candidate.version}</th></tr>
</thead><tbody>
${g.rows.map(scenarioRow)}
</tbody></table>
<h2>Settings</h2>
<pre>${JSON.stringify(input.settings, null, 2)}</pre>
</body></html>
`.text;
}

function overviewSection(o: GateOverview): Html {
  return html`<section id="overview"><h2>Overview: ${o.headline}</h2>
${
  o.items.length
    ? html`<table><thead><tr><th>what</th><th>where</th><th>why</th><th>replay</th></tr></thead><tbody>${o.items.map(
        (i) =>
          html`<tr><td class="${i.what.endsWith('regression') || i.what === 'upgrade-failed' ? 'bad' : 'unknown'}"><code>${i.what}</code></td><td>${i.where}</td><td>${i.why}</td><td>${i.replay ? html`<code class="replay">${i.replay}</code>` : '–'}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<p>replay the gate: <code class="replay">${o.replayGate}</code></p></section>`;
}

function findingsList(rows: ComparisonRow[]): Html {
  const findings = rows.flatMap((r) => r.findings);
  if (findings.length === 0) return html``;
  return html`<h2>Findings</h2><ul>${findings.map((f) => html`<li class="${f.kind.endsWith('regression') ? 'bad' : ''}"><code>${f.kind}</code> ${f.text}</li>`)}</ul>`;
}

function upgradeTable(figures: UpgradeFigures[]): Html {
  return html`<h2>Upgrade</h2>
<table id="upgrade"><thead><tr><th>scenario</th><th>from → to</th><th>status</th><th>oracle</th><th>restore</th><th>downtime (savepoint → restored)</th></tr></thead><tbody>
${figures.map(
  (f) => html`<tr class="${f.status === 'passed' ? '' : 'bad'}"><td>${f.scenario}</td><td>${f.from} → ${f.to}</td><td>${f.status}</td><td>${f.verdictOk === null ? '–' : f.verdictOk ? 'ok' : 'FAILED'}</td>
<td><strong>${f.restore.kind}</strong>${f.restore.reason ? ` (${f.restore.reason})` : ''}${f.restore.message ? html`<br><code>${f.restore.message}</code>` : ''}${f.error ? html`<br><small>${f.error}</small>` : ''}</td>
<td>${formatDuration(f.downtimeMs)}</td></tr>`,
)}
</tbody></table>`;
}

function scenarioRow(r: ComparisonRow): Html {
  const b = r.baseline;
  const c = r.candidate;
  const bad = r.findings.some((f) => f.kind.endsWith('regression'));
  return html`<tr class="${bad ? 'bad' : ''}"><td>${r.scenario}</td>
<td>${verdictCell(b)}</td><td>${verdictCell(c)}</td>
<td>${recoveryCell(b)}</td><td>${recoveryCell(c)}</td><td>${r.recoveryChangePct === undefined ? '–' : `${r.recoveryChangePct >= 0 ? '+' : ''}${r.recoveryChangePct.toFixed(0)} %`}</td>
<td>${rate(b?.inputEventsPerS)}</td><td>${rate(c?.inputEventsPerS)}</td>
<td>${rate(b?.outputRecordsPerS)}</td><td>${rate(c?.outputRecordsPerS)}</td>
<td>${bytes(b?.checkpoints.maxBytes)}</td><td>${bytes(c?.checkpoints.maxBytes)}</td></tr>`;
}

function verdictCell(f: ScenarioFigures | undefined): Html {
  if (!f) return html`<em>not run</em>`;
  const oracle = f.verdictOk === null ? 'no verdict' : f.verdictOk ? 'oracle ok' : `oracle FAILED (${f.failures})`;
  const cls = f.status === 'passed' ? 'ok' : f.status === 'inconclusive' ? 'unknown' : 'bad';
  return html`<span class="${cls}">${f.status}</span>, ${oracle}${f.duplicateRecords ? `, ${f.duplicateRecords} dup.` : ''}${f.reasons?.length ? html`<br><small><code>${f.reasons.join(', ')}</code></small>` : ''}${f.error ? html`<br><small>${f.error}</small>` : ''}`;
}

function recoveryCell(f: ScenarioFigures | undefined): string {
  if (!f || f.recoveryMs === undefined) return '–';
  if (f.recoveryMs === null) return 'never';
  return `${formatDuration(f.recoveryMs)}${f.faults > 1 ? ` (max of ${f.faults})` : ''}`;
}

const rate = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n >= 100 ? n.toFixed(0) : n.toFixed(1));

function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1300px; padding: 0 1em; color: #1d1d1f; }
h1.ok { color: #14632b; } h1.bad, h2.bad, .bad strong, strong.bad { color: #a4161a; }
h1.unknown, strong.unknown { color: #9a6700; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #d0d0d5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f6; }
tr.bad td { background: #fdecec; }
span.ok { color: #14632b; } span.bad { color: #a4161a; font-weight: 600; } span.unknown { color: #9a6700; font-weight: 600; }
.meta { color: #555; }
code { font-size: 12px; }
li.bad { color: #a4161a; }
pre { background: #f6f6f8; padding: 1em; overflow: auto; }
td.bad { color: #a4161a; } td.unknown { color: #9a6700; }
code.replay { display: block; white-space: pre-wrap; word-break: break-all; background: #f6f6f8; padding: 4px 6px; }
`;
