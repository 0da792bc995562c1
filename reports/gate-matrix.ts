// The version matrix as one table: scenario x Flink release, each cell the
// result its run report tagged with that release, plus the upgrade runs
// between releases. Pure summary + a writer (matrix.json, index.html).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration, formatInstant } from './format.js';
import { html } from './html.js';
import type { RunReportJson, ScenarioStatus } from './run-report.js';

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
}

export function summarizeMatrix(runs: readonly MatrixRun[]): MatrixSummary {
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
  return { versions, scenarios, cells, upgrades, problems, inconclusive, exitCode: failed ? 1 : problems.length > 0 ? 3 : inconclusive > 0 ? 4 : 0 };
}

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
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #d0d0d5;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f6}.bad{color:#a4161a;font-weight:600}.ok{color:#14632b}.unknown{color:#9a6700;font-weight:600}pre{background:#f6f6f8;padding:1em}</style></head>
<body><h1>Flink version matrix ${input.matrixId}: ${s.exitCode === 0 ? 'all passed' : s.exitCode === 1 ? 'failures' : s.exitCode === 4 ? `${s.inconclusive} inconclusive` : 'incomplete'} (exit ${s.exitCode})</h1>
<p>started ${formatInstant(input.startedAt)} · wall time ${formatDuration(input.finishedAt - input.startedAt)}</p>
${s.problems.length ? html`<ul>${s.problems.map((p) => html`<li class="bad">${p}</li>`)}</ul>` : ''}
<table><thead><tr><th>scenario</th>${s.versions.map((v) => html`<th>Flink ${linkFor(v)}</th>`)}</tr></thead><tbody>
${s.scenarios.map(
  (name) => html`<tr><td>${name}</td>${s.versions.map((v) => {
    const c = s.cells[name]?.[v];
    return c
      ? html`<td class="${c.status === 'passed' ? 'ok' : c.status === 'inconclusive' ? 'unknown' : 'bad'}">${c.status}${c.verdictOk === false ? ' (oracle FAILED)' : ''} · ${formatDuration(c.durationMs)}${c.error ? html`<br><small>${c.error}</small>` : ''}</td>`
      : html`<td>–</td>`;
  })}</tr>`,
)}
</tbody></table>
${s.upgrades.length ? html`<h2>Upgrades</h2><table><thead><tr><th>from → to</th><th>status</th><th>restore</th></tr></thead><tbody>${s.upgrades.map((u) => html`<tr><td>${u.from} → ${u.to}</td><td class="${u.status === 'passed' ? 'ok' : 'bad'}">${u.status}${u.error ? html`<br><small>${u.error}</small>` : ''}</td><td>${u.restore ?? '–'}</td></tr>`)}</tbody></table>` : ''}
<h2>Settings</h2><pre>${JSON.stringify(input.settings, null, 2)}</pre>
</body></html>
`.text;
  await writeFile(files.html, page);
  return files;
}
