// The version matrix as one table: scenario x Flink release, each cell the
// result its run report tagged with that release, plus the upgrade runs
// between releases. Pure summary + a writer (matrix.json, index.html).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration, formatInstant } from './format.js';
import { html } from './html.js';
import type { RunReportJson, ScenarioStatus } from './run-report.js';
import { gridMarkdown, upgradeGrid, type UpgradeCell, type UpgradeGrid } from './upgrade-matrix.js';

export interface MatrixRun {
  /** 'suite': the scenario files on one release; 'upgrade': from -> to. */
  kind: 'suite' | 'upgrade';
  flinkVersion: string;
  from?: string;
  runId: string;
  vitestExitCode: number;
  /** Folder of the run report; undefined when the run wrote none. */
  reportDir?: string;
  report: RunReportJson | null;
}

export interface MatrixCell {
  status: ScenarioStatus;
  verdictOk: boolean | null;
  durationMs: number;
  error?: string;
}

export interface MatrixSummary {
  versions: string[];
  scenarios: string[];
  /** cells[scenario][version] */
  cells: Record<string, Record<string, MatrixCell>>;
  upgrades: { from: string; to: string; scenario: string; status: ScenarioStatus | 'not run'; restore?: string; error?: string }[];
  problems: string[];
  /** 0 all passed, 1 a scenario or upgrade failed, 3 a run wrote no report, 4 something was inconclusive (never a pass). */
  exitCode: 0 | 1 | 3 | 4;
  /** Cells and upgrades that were inconclusive, counted apart. */
  inconclusive: number;
  /** The N x N upgrade matrix (rows from, columns to), when the matrix ran upgrades. */
  grid?: UpgradeGrid;
}

export interface GridOptions {
  /** Every release of the matrix, as given (rows and columns). */
  versions: readonly string[];
  /** Environment a cell's replay command needs (HARNESS_SEED, KAFKA_CONNECTOR_VERSIONS, ...). */
  env?: Record<string, string>;
  /** The Flink version a release or dist:<path> stands for (orders rows; decides what is a downgrade). */
  versionOf?: (spec: string) => string;
}

export function summarizeMatrix(runs: readonly MatrixRun[], gridOptions?: GridOptions): MatrixSummary {
  const versions = [...new Set(runs.filter((r) => r.kind === 'suite').map((r) => r.flinkVersion))];
  const cells: MatrixSummary['cells'] = {};
  const problems: string[] = [];
  const upgrades: MatrixSummary['upgrades'] = [];
  for (const run of runs) {
    if (!run.report) {
      problems.push(`${run.kind === 'upgrade' ? `upgrade ${run.from} -> ${run.flinkVersion}` : `Flink ${run.flinkVersion}`}: run ${run.runId} wrote no report (vitest exit ${run.vitestExitCode})`);
      if (run.kind === 'upgrade') upgrades.push({ from: run.from ?? '?', to: run.flinkVersion, scenario: '-', status: 'not run' });
      continue;
    }
    for (const s of run.report.scenarios) {
      const error = s.status !== 'passed' && s.error ? s.error.trim().split('\n')[0]!.slice(0, 300) : undefined;
      if (run.kind === 'upgrade') {
        const restore = s.extra?.restore as { kind?: string; message?: string } | undefined;
        upgrades.push({
          from: run.from ?? s.flinkVersion,
          to: run.flinkVersion,
          scenario: s.name,
          status: s.status,
          ...(restore?.kind ? { restore: `${restore.kind}${restore.message ? `: ${restore.message}` : ''}` } : {}),
          ...(error ? { error } : {}),
        });
        continue;
      }
      if (s.flinkVersion !== run.flinkVersion) problems.push(`run ${run.runId} for Flink ${run.flinkVersion} holds ${s.name} tagged ${s.flinkVersion}`);
      (cells[s.name] ??= {})[s.flinkVersion] = {
        status: s.status,
        verdictOk: s.verdict ? s.verdict.ok : null,
        durationMs: s.durationMs,
        ...(error ? { error } : {}),
      };
    }
  }
  const scenarios = Object.keys(cells);
  const red = (st: string) => st === 'failed' || st === 'error';
  const all = [...scenarios.flatMap((n) => Object.values(cells[n]!).map((c) => c.status as string)), ...upgrades.map((u) => u.status as string)];
  const failed = all.some(red);
  const inconclusive = all.filter((st) => st === 'inconclusive').length;
  const suiteExit = failed ? 1 : problems.length > 0 ? 3 : inconclusive > 0 ? 4 : 0;
  if (!gridOptions) return { versions, scenarios, cells, upgrades, problems, inconclusive, exitCode: suiteExit };
  // The grid judges upgrade runs by what Flink promises: a refused downgrade is no failure (its test fails on the refusal).
  const upgradeRuns = runs.filter((r) => r.kind === 'upgrade').map((r) => ({ from: r.from ?? '?', to: r.flinkVersion, runId: r.runId, reportDir: r.reportDir, report: r.report, vitestExitCode: r.vitestExitCode }));
  const grid = upgradeGrid(gridOptions.versions, upgradeRuns, gridOptions.env, gridOptions.versionOf);
  const suitesOnly = summarizeMatrix(runs.filter((r) => r.kind === 'suite'));
  const worst = [suitesOnly.exitCode, grid.exitCode].sort((a, b) => rank(b) - rank(a))[0]!;
  return { versions: versions.length ? versions : grid.versions, scenarios, cells, upgrades, problems, inconclusive: suitesOnly.inconclusive + grid.inconclusive.length, exitCode: worst, grid };
}

/** 1 (a failure or regression) outranks 3 (something did not run), which outranks 4 (inconclusive), then 0. */
const rank = (code: 0 | 1 | 3 | 4) => ({ 0: 0, 4: 1, 3: 2, 1: 3 })[code];

export async function writeMatrixReport(
  dir: string,
  input: { matrixId: string; startedAt: number; finishedAt: number; settings: Record<string, unknown>; runs: MatrixRun[]; summary: MatrixSummary },
): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const runs = input.runs.map(({ report: _report, ...r }) => ({ ...r, reportDir: r.reportDir ? path.relative(dir, r.reportDir) : undefined }));
  const files = { json: path.join(dir, 'matrix.json'), html: path.join(dir, 'index.html') };
  await writeFile(files.json, JSON.stringify({ ...input, runs }, null, 1) + '\n');
  const s = input.summary;
  const linkFor = (version: string) => {
    const r = runs.find((x) => x.kind === 'suite' && x.flinkVersion === version);
    return r?.reportDir ? html`<a href="${`${r.reportDir.split(path.sep).join('/')}/index.html`}">${version}</a>` : html`${version}`;
  };
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flink version matrix ${input.matrixId}: exit ${s.exitCode}</title>
<style>.grid td{white-space:nowrap}.diag{background:#f3f3f6;color:#888}.expected{color:#555;font-size:12px}code.replay{display:block;white-space:pre-wrap;word-break:break-all;background:#f6f6f8;padding:4px 6px;font-size:12px}body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #d0d0d5;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f6}.bad{color:#a4161a;font-weight:600}.ok{color:#14632b}.unknown{color:#9a6700;font-weight:600}pre{background:#f6f6f8;padding:1em}</style></head>
<body><h1>Flink version matrix ${input.matrixId}: ${s.exitCode === 0 ? 'all passed' : s.exitCode === 1 ? 'failures' : s.exitCode === 4 ? `${s.inconclusive} inconclusive` : 'incomplete'} (exit ${s.exitCode})</h1>
<p>started ${formatInstant(input.startedAt)} · wall time ${formatDuration(input.finishedAt - input.startedAt)}</p>
${s.grid ? gridSection(s.grid, dir, resumeCommand(input.settings.command, input.matrixId)) : ''}
${s.problems.length ? html`<ul>${s.problems.map((p) => html`<li class="bad">${p}</li>`)}</ul>` : ''}
${s.scenarios.length ? html`<h2>Scenarios per release</h2>
<table><thead><tr><th>scenario</th>${s.versions.map((v) => html`<th>Flink ${linkFor(v)}</th>`)}</tr></thead><tbody>
${s.scenarios.map(
  (name) => html`<tr><td>${name}</td>${s.versions.map((v) => {
    const c = s.cells[name]?.[v];
    return c
      ? html`<td class="${c.status === 'passed' ? 'ok' : c.status === 'inconclusive' ? 'unknown' : 'bad'}">${c.status}${c.verdictOk === false ? ' (oracle FAILED)' : ''} · ${formatDuration(c.durationMs)}${c.error ? html`<br><small>${c.error}</small>` : ''}</td>`
      : html`<td>–</td>`;
  })}</tr>`,
)}
</tbody></table>` : ''}
${s.upgrades.length ? html`<h2>${s.grid ? 'Upgrade runs' : 'Upgrades'}</h2><table><thead><tr><th>from → to</th><th>status</th><th>restore</th></tr></thead><tbody>${s.upgrades.map((u) => html`<tr><td>${u.from} → ${u.to}</td><td class="${u.status === 'passed' ? 'ok' : 'bad'}">${u.status}${u.error ? html`<br><small>${u.error}</small>` : ''}</td><td>${u.restore ?? '–'}</td></tr>`)}</tbody></table>` : ''}
<h2>Settings</h2><pre>${JSON.stringify(input.settings, null, 2)}</pre>
</body></html>
`.text;
  await writeFile(files.html, page);
  return files;
}

const CELL_CLASS: Record<UpgradeCell['outcome'], string> = { pass: 'ok', incompatible: 'ok', fail: 'bad', inconclusive: 'unknown', 'not run': 'unknown' };

/**
 * The one-screen overview first (what regressed, where, the replay command),
 * then the N x N grid, each cell linked to its run's report, and what Flink
 * promises for each direction.
 */
function gridSection(grid: UpgradeGrid, dir: string, resume: string) {
  const link = (c: UpgradeCell) => (c.reportDir ? `${path.relative(dir, c.reportDir).split(path.sep).join('/')}/index.html` : undefined);
  const cellHtml = (c: UpgradeCell) => {
    const cls = c.regression ? 'bad' : CELL_CLASS[c.outcome];
    const label = html`${c.outcome}${c.regression ? ' ✗' : ''}`;
    const href = link(c);
    return html`<td class="${cls}" title="${c.why ?? ''}">${href ? html`<a class="${cls}" href="${href}">${label}</a>` : label}${c.durationMs ? html` <small>${formatDuration(c.durationMs)}</small>` : ''}<br><span class="expected">expected ${c.expected}</span></td>`;
  };
  const attention = [...grid.regressions.map((c) => ['regression', c] as const), ...grid.inconclusive.map((c) => ['inconclusive', c] as const)];
  const n = grid.versions.length * (grid.versions.length - 1);
  return html`<section id="overview"><h2>Overview: ${grid.regressions.length ? `${grid.regressions.length} regression(s)` : 'no regression'} in ${n} upgrade cells${grid.inconclusive.length ? `, ${grid.inconclusive.length} inconclusive` : ''}${grid.notRun.length ? `, ${grid.notRun.length} not run` : ''}</h2>
${
  attention.length
    ? html`<table><thead><tr><th>what</th><th>where</th><th>why</th><th>replay</th></tr></thead><tbody>${attention.map(
        ([tag, c]) => html`<tr><td class="${tag === 'regression' ? 'bad' : 'unknown'}">${tag}</td><td>${c.from} → ${c.to}: ${c.outcome} (expected ${c.expected})${link(c) ? html` · <a href="${link(c)!}">run</a>` : ''}</td><td>${c.why ?? '–'}</td><td><code class="replay">${c.replay}</code></td></tr>`,
      )}</tbody></table>`
    : grid.notRun.length === 0
      ? html`<p class="ok">Every cell is what Flink promises.</p>`
      : ''
}
${grid.notRun.length ? html`<p class="unknown">Not run: ${grid.notRun.map((c) => `${c.from} → ${c.to}`).join(', ')}. Run the missing cells: <code class="replay">${resume}</code></p>` : ''}
<table class="grid"><thead><tr><th>savepoint on ↓ · resumed on →</th>${grid.versions.map((v) => html`<th>${v}</th>`)}</tr></thead><tbody>
${grid.versions.map((from) => html`<tr><th>${from}</th>${grid.versions.map((to) => (from === to ? html`<td class="diag">–</td>` : cellHtml(grid.cells[from]![to]!)))}</tr>`)}
</tbody></table>
<p class="expected">Flink's compatibility table (Upgrading Applications and Flink Versions) promises only forward: a savepoint restores on its own release and every newer one, so an upgrade is expected to <b>pass</b>. Nothing is promised for a downgrade. It may pass or be refused (<b>incompatible</b>, in Flink's own words), but a restore that leads to wrong output is a <b>fail</b> either way. Each cell is the upgrade scenario's at-least-once test: a savepoint on the row's release, a resume on the column's, the oracle over both; click a cell for its run.</p>
<details><summary>as markdown</summary><pre>${gridMarkdown(grid)}</pre></details></section>`;
}

/** The matrix's own command with --resume <id>: it runs only the cells that have no report. */
function resumeCommand(command: unknown, matrixId: string): string {
  const base = typeof command === 'string' ? command.replace(/\s--resume(=|\s+)\S+/, '') : 'npm run matrix -- <its options>';
  return `${base} --resume ${matrixId}`;
}
