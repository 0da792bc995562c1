// One scenario's part of the page: what was found, how the job recovered,
// the charts, and the timeline that explains them.
import { describeProblem } from '../assertions/format-verdict.js';
import type { ScenarioOutcome } from '../assertions/outcome.js';
import { PROBLEM_KINDS, type Verdict } from '../assertions/verdict.js';
import { faultLabel, type DerivedFigures } from '../history/derived.js';
import type { History } from '../history/types.js';
import { formatDuration, formatInstant, formatOffset, formatValue } from './format.js';
import { html, type Html } from './html.js';
import type { ScenarioResult } from './run-report.js';
import { timelineRows } from './timeline.js';

const MAX_PROBLEM_ROWS = 200;
const MAX_TIMELINE_ROWS = 500;

export interface SectionInput {
  id: string;
  result: ScenarioResult;
  derived?: DerivedFigures;
  /** Inline SVG (or an error note) per chart, already rendered. */
  charts: Html[];
  /** Turns a path from `extra` into an href relative to the report, or undefined if it is not a path. */
  link: (value: string) => string | undefined;
}

export function scenarioSection({ id, result, derived, charts, link }: SectionInput): Html {
  return html`<section id="${id}">
<h2>${result.name} <span class="status ${result.status}">${result.status}</span></h2>
<p class="meta">Flink ${result.flinkVersion} · ${formatDuration(result.durationMs)}${result.history ? html` · started ${formatInstant(result.history.startedAt)}` : ''}</p>
${result.outcome ? outcomeBlock(result.outcome) : ''}
${result.error ? html`<h3>Error</h3><pre class="error">${result.error}</pre>` : ''}
${result.verdict ? verdictBlock(result.verdict) : html`<p>No verdict.</p>`}
${derived && result.history ? figuresBlock(derived, result.history) : ''}
${charts.length > 0 ? html`<div class="charts">${charts.map((c) => html`<figure>${c}</figure>`)}</div>` : ''}
${result.extra && Object.keys(result.extra).length > 0 ? extraBlock(result.extra, link) : ''}
${result.history ? timelineBlock(result.history) : ''}
</section>`;
}

function outcomeBlock(o: ScenarioOutcome): Html {
  return html`<h3>Outcome: ${o.outcome}</h3>
${
  o.reasons.length
    ? html`<table><thead><tr><th>effect</th><th>code</th><th>reason</th><th>evidence</th></tr></thead><tbody>
${o.reasons.map((r) => html`<tr class="effect-${r.effect}"><td>${r.effect}</td><td><code>${r.code}</code></td><td>${r.message}</td><td>${r.evidence ? html`<details><summary>evidence</summary><pre>${JSON.stringify(r.evidence, null, 1)}</pre></details>` : ''}</td></tr>\n`)}
</tbody></table>`
    : html`<p>No reasons recorded.</p>`
}`;
}

function verdictBlock(v: Verdict): Html {
  const s = v.summary;
  const kinds = PROBLEM_KINDS.filter((k) => s.byKind[k] > 0);
  const shown = v.problems.slice(0, MAX_PROBLEM_ROWS);
  return html`<h3>Verdict: ${v.ok ? 'OK' : 'FAILED'} (${v.policy.sink}, ${v.policy.time})</h3>
<p>${s.bySeverity.failure} failure(s), ${s.bySeverity.tolerated} tolerated, ${s.bySeverity.info} info ·
records ${s.records}, well-formed ${s.wellFormed}, distinct ${s.distinct}, duplicate records ${s.duplicateRecords},
expected keys ${s.expectedKeys}, settled through ${formatInstant(s.closedThroughMs)}</p>
${kinds.length > 0 ? html`<table class="compact"><tr>${kinds.map((k) => html`<th>${k}</th>`)}</tr><tr>${kinds.map((k) => html`<td>${s.byKind[k]}</td>`)}</tr></table>` : ''}
${
  shown.length > 0
    ? html`<table><thead><tr><th>severity</th><th>kind</th><th>finding</th></tr></thead><tbody>
${shown.map((p) => html`<tr class="${p.severity}"><td>${p.severity}</td><td>${p.kind}</td><td>${describeProblem(p)}</td></tr>\n`)}
</tbody></table>${v.problems.length > shown.length ? html`<p>… and ${v.problems.length - shown.length} more in report.json.</p>` : ''}`
    : html`<p>No problems.</p>`
}`;
}

function figuresBlock(d: DerivedFigures, history: History): Html {
  if (d.faults.length === 0) return html`<p>No faults injected.</p>`;
  const dups = new Map(d.duplicatesByFault.map((r) => [r.fault?.index ?? -1, r]));
  return html`<h3>Faults and recovery</h3>
<table><thead><tr><th>fault</th><th>invoked</th><th>took effect</th><th>job fully running after</th><th>output caught up after</th><th>duplicates after (identical / conflicting)</th></tr></thead><tbody>
${d.faults.map((f) => {
  const r = d.recoveries.find((x) => x.fault.index === f.index);
  const dup = dups.get(f.index);
  const effect = f.okAt !== undefined ? formatOffset(f.okAt, history.startedAt) : f.failedAt !== undefined ? `failed ${formatOffset(f.failedAt, history.startedAt)}` : 'never';
  return html`<tr><td>${faultLabel(f)}${f.detail ? ` (${f.detail})` : ''}</td><td>${formatOffset(f.invokedAt, history.startedAt)}</td><td>${effect}</td>
<td>${r ? formatDuration(r.runningAfterMs) : '–'}${r && !r.disrupted ? ' (no disruption seen)' : ''}</td><td>${r ? formatDuration(r.outputCaughtUpMs) : '–'}</td>
<td>${dup ? `${dup.identical} / ${dup.conflicting}` : '0 / 0'}</td></tr>\n`;
})}
</tbody></table>
${dups.has(-1) ? html`<p>Duplicates before any fault: ${dups.get(-1)!.identical} identical, ${dups.get(-1)!.conflicting} conflicting.</p>` : ''}`;
}

function extraBlock(extra: Record<string, unknown>, link: SectionInput['link']): Html {
  const cell = (v: unknown): Html | string => {
    if (typeof v === 'string') {
      const href = link(v);
      return href === undefined ? v : html`<a href="${href}">${v}</a>`;
    }
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return html`${v.map((x, i) => html`${i > 0 ? html`<br>` : ''}${cell(x)}`)}`;
    return formatValue(v);
  };
  return html`<h3>Artifacts and metrics</h3><table class="kv">${Object.entries(extra).map(([k, v]) => html`<tr><th>${k}</th><td>${cell(v)}</td></tr>`)}</table>`;
}

function timelineBlock(history: History): Html {
  const rows = timelineRows(history.events);
  const shown = rows.slice(0, MAX_TIMELINE_ROWS);
  return html`<details><summary>Timeline: ${history.events.length} events, ${rows.length} rows</summary>
<table class="timeline"><thead><tr><th>time</th><th>kind</th><th>what</th><th>detail</th></tr></thead><tbody>
${shown.map(
  (r) => html`<tr class="${r.kind}"><td>${formatOffset(r.t, history.startedAt)}</td><td>${r.kind}</td><td>${r.what}</td>
<td>${r.detail}${r.repeats > 1 ? ` (seen ${r.repeats}× until ${formatOffset(r.until, history.startedAt)})` : ''}</td></tr>\n`,
)}
</tbody></table>${rows.length > shown.length ? html`<p>… ${rows.length - shown.length} more rows in report.json.</p>` : ''}</details>`;
}
