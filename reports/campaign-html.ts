// Writes a campaign (or a merge of its shards) as campaign.json and a small
// self-contained index.html. It formats the summary; it never re-judges a run.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration, formatInstant } from './format.js';
import { html } from './html.js';
import type { CampaignReport } from './campaign-summary.js';

export async function writeCampaignReport(dir: string, report: CampaignReport): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, 'campaign.json'), html: path.join(dir, 'index.html') };
  await writeFile(files.json, JSON.stringify(report, null, 1) + '\n');
  await writeFile(files.html, campaignPage(report));
  return files;
}

export function campaignPage(r: CampaignReport): string {
  const s = r.summary;
  const c = r.campaign;
  const shards = r.shards.map((x) => `${x.index}/${x.count}`).join(', ');
  const title = `Campaign ${r.campaignId}: ${s.pass} pass, ${s.fail} fail, ${s.inconclusive} inconclusive of ${s.runs} run(s)`;
  const cls = (o: string) => (o === 'pass' ? 'pass' : o === 'fail' ? 'fail' : 'inc');
  const rows = s.scenarios.map(
    (x) => html`<tr>
  <td>${x.name}</td><td>${x.runs}</td><td class="pass">${x.pass}</td><td class="fail">${x.fail}</td><td class="inc">${x.inconclusive}</td>
  <td>${formatDuration(x.durationMs.min)}</td><td>${formatDuration(x.durationMs.median)}</td><td>${formatDuration(x.durationMs.max)}</td>
  <td>${x.firstFailure ? html`<span class="${cls(x.firstFailure.outcome)}">${x.firstFailure.outcome}</span> run ${x.firstFailure.runId}, seed ${x.firstFailure.seed}<br>${x.firstFailure.reasons.slice(0, 3).map((m) => html`<div class="reason">${m}</div>`)}<code>${x.firstFailure.replay}</code>` : '–'}</td>
</tr>`,
  );
  const runs = r.runs.map(
    (x) => html`<tr>
  <td>${x.index}</td><td>${x.scenario}</td><td>${x.repetition}</td><td>${x.seed}</td><td>${x.runId}</td>
  <td class="${cls(x.outcome)}">${x.outcome}</td><td>${formatDuration(x.wallTimeMs)}</td>
  <td>${[...x.runReasons, ...x.results.flatMap((res) => res.reasons.map((m) => `${res.name}: ${m}`))].slice(0, 4).map((m) => html`<div class="reason">${m}</div>`)}</td>
</tr>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}.inc{color:#9a6700}
code{display:block;white-space:pre-wrap;background:#f6f8fa;padding:4px;margin-top:4px;font-size:12px}.reason{font-size:12px}
</style></head><body>
<h1>${title}</h1>
<p>Scenarios ${c.scenarios.join(', ')}; ${c.runsPerScenario} run(s) each${c.untilFail ? ', until the first failure' : ''}${c.test ? `, tests matching '${c.test}'` : ''};
Flink ${c.flinkVersion}; campaign seed ${c.seed}; shard(s) ${shards}.
${r.planned} run(s) planned, ${r.runs.length} ran${r.notRun ? `, ${r.notRun} not run` : ''}. ${formatInstant(r.startedAt)} to ${formatInstant(r.finishedAt)}.</p>
<h2>Per scenario</h2>
<table><tr><th>scenario</th><th>runs</th><th>pass</th><th>fail</th><th>inconclusive</th><th>min</th><th>median</th><th>max</th><th>first failure and its replay</th></tr>
${rows}</table>
<h2>Runs</h2>
<p>Each run's own report is <code>out/reports/&lt;run id&gt;/index.html</code> on the machine (or CI artifact) that ran it.</p>
<table><tr><th>#</th><th>scenario file</th><th>repetition</th><th>seed</th><th>run id</th><th>outcome</th><th>wall time</th><th>reasons</th></tr>
${runs}</table>
</body></html>
`.text;
}
