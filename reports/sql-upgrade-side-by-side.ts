// The SQL job's upgrades side by side: one row per from -> to pair, one column
// per way of carrying the job across (plain SQL: B plans the INSERT anew;
// compiled plan: B executes A's COMPILE PLAN output). Each cell says what the
// resume came to (restored, with the scenario's verdict, or Flink's refusal in
// its own words). Pure: the run's scenario results in, the table out; it reads
// what the scenarios recorded (extra.sqlUpgrade, extra.upgrade) and never re-judges.
import { compareVersions } from '../containers/artifacts/versions.js';
import { formatDuration } from './format.js';
import { html, type Html } from './html.js';
import { scenarioAnchor, type ScenarioResult } from './run-report.js';

export const SQL_UPGRADE_MODES = ['plain SQL', 'compiled plan'] as const;
export type SqlUpgradeMode = (typeof SQL_UPGRADE_MODES)[number];

/** What scenarios/sql-job.test.ts records once the resume on B answered (s.extra.sqlUpgrade). */
export interface SqlUpgradeRecord {
  mode: SqlUpgradeMode;
  from: string;
  to: string;
  /** The RestoreOutcome's kind: 'restored', 'incompatible savepoint' or 'job failed'. */
  outcome: string;
  reason?: string;
  message?: string;
}

/**
 * One scenario in a cell. result: what the resume came to; 'no outcome' when
 * the scenario ended before B answered (its error says why).
 * verdict: the scenario's own outcome (for a refused downgrade whose test
 * expects the refusal, a pass means the harness reported it as expected).
 */
export interface SqlUpgradeAttempt {
  scenario: string;
  /** The scenario's section on the run page. */
  anchor: string;
  result: 'restored' | 'incompatible' | 'job failed' | 'no outcome';
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** For incompatible: the classifier's reason (state-format, serializer, ...). */
  reason?: string;
  /** Flink's own message (incompatible, job failed) or the scenario's first error line (no outcome). */
  message?: string;
  durationMs: number;
}

/** No attempt: that mode did not run for the pair in this run ("not run", never a pass). */
export interface SqlUpgradeCell {
  attempts: SqlUpgradeAttempt[];
}

export interface SqlUpgradeRow {
  from: string;
  to: string;
  cells: Record<SqlUpgradeMode, SqlUpgradeCell>;
}

export interface SqlUpgradeTable {
  rows: SqlUpgradeRow[];
}

type Result = Pick<ScenarioResult, 'name' | 'status' | 'durationMs' | 'outcome' | 'error' | 'extra'>;

const isMode = (m: unknown): m is SqlUpgradeMode => (SQL_UPGRADE_MODES as readonly unknown[]).includes(m);

/**
 * The SQL upgrade a scenario is about: its sqlUpgrade record, else the
 * extra.upgrade the test sets before it starts (from, to, sql: mode), so a
 * scenario that ended before the resume still has its cell.
 */
function sqlUpgradeOf(s: Result): { mode: SqlUpgradeMode; from: string; to: string; record?: SqlUpgradeRecord } | undefined {
  const record = s.extra?.sqlUpgrade as SqlUpgradeRecord | undefined;
  if (record && isMode(record.mode)) return { mode: record.mode, from: String(record.from), to: String(record.to), record };
  const upgrade = s.extra?.upgrade as { from?: unknown; to?: unknown; sql?: unknown } | undefined;
  if (upgrade && isMode(upgrade.sql) && upgrade.from !== undefined && upgrade.to !== undefined) return { mode: upgrade.sql, from: String(upgrade.from), to: String(upgrade.to) };
  return undefined;
}

/** The scenario's outcome; one that errored reached no verdict: inconclusive, never a pass. */
function verdictOf(s: Result): SqlUpgradeAttempt['verdict'] {
  if (s.status === 'error') return 'inconclusive';
  return s.outcome?.outcome ?? (s.status === 'failed' ? 'fail' : 'inconclusive');
}

const firstLine = (text: string | undefined) => text?.trim().split('\n')[0]?.slice(0, 400);

function attemptOf(s: Result, index: number, record: SqlUpgradeRecord | undefined): SqlUpgradeAttempt {
  const base = { scenario: s.name, anchor: scenarioAnchor(index, s.name), verdict: verdictOf(s), durationMs: s.durationMs };
  if (!record) return { ...base, result: 'no outcome', message: firstLine(s.error) ?? 'the scenario recorded no resume' };
  if (record.outcome === 'restored') return { ...base, result: 'restored' };
  const result = record.outcome === 'incompatible savepoint' ? 'incompatible' : 'job failed';
  return { ...base, result, ...(record.reason ? { reason: record.reason } : {}), message: firstLine(record.message) ?? '(Flink gave no message)' };
}

/**
 * One row per from -> to pair among the run's SQL upgrade scenarios (ordered
 * by release), each scenario in the cell of its pair and mode. `scenarios` in
 * the run's order: the index names the scenario's section on the page.
 */
export function sqlUpgradeTable(scenarios: readonly Result[]): SqlUpgradeTable {
  const rows = new Map<string, SqlUpgradeRow>();
  scenarios.forEach((s, index) => {
    const u = sqlUpgradeOf(s);
    if (!u) return;
    const key = `${u.from}\u0000${u.to}`;
    let row = rows.get(key);
    if (!row) {
      row = { from: u.from, to: u.to, cells: { 'plain SQL': { attempts: [] }, 'compiled plan': { attempts: [] } } };
      rows.set(key, row);
    }
    row.cells[u.mode].attempts.push(attemptOf(s, index, u.record));
  });
  return { rows: [...rows.values()].sort((a, b) => compareVersions(a.from, b.from) || compareVersions(a.to, b.to)) };
}

/** One attempt in words: "restored · pass", "incompatible (state-format): <Flink's message>". */
export function describeAttempt(a: SqlUpgradeAttempt): string {
  if (a.result === 'restored') return `restored · ${a.verdict}`;
  if (a.result === 'no outcome') return `no outcome · ${a.verdict}: ${a.message}`;
  return `${a.result}${a.reason ? ` (${a.reason})` : ''}: ${a.message} · scenario ${a.verdict}`;
}

export const describeCell = (c: SqlUpgradeCell): string => (c.attempts.length === 0 ? 'not run' : c.attempts.map(describeAttempt).join('; '));

/** The table as markdown (README, terminal). */
export function sqlUpgradeMarkdown(t: SqlUpgradeTable): string {
  const cell = (c: SqlUpgradeCell) => (c.attempts.length === 0 ? 'not run' : c.attempts.map((a) => `${describeAttempt(a)} · ${Math.round(a.durationMs / 1000)} s`).join('; ').replaceAll('|', '\\|'));
  return [`| from -> to | ${SQL_UPGRADE_MODES.join(' | ')} |`, `|---|${SQL_UPGRADE_MODES.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.from} -> ${r.to} | ${SQL_UPGRADE_MODES.map((m) => cell(r.cells[m])).join(' | ')} |`)].join('\n');
}

function attemptHtml(a: SqlUpgradeAttempt): Html {
  const cls = a.result === 'restored' ? `verdict-${a.verdict}` : a.result === 'incompatible' ? 'sqlu-incompatible' : 'verdict-fail';
  const head = a.result === 'restored' ? `restored · ${a.verdict}` : `${a.result}${a.reason ? ` (${a.reason})` : ''}`;
  return html`<div class="${cls}"><strong>${head}</strong>${a.message && a.result !== 'restored' ? html`<br><code>${a.message}</code>` : ''}
<br><small><a href="#${a.anchor}">${a.scenario}</a> · scenario ${a.verdict} · ${formatDuration(a.durationMs)}</small></div>`;
}

/** The section of the run page; nothing when the run had no SQL upgrade. */
export function renderSqlUpgradeTable(t: SqlUpgradeTable): Html | undefined {
  if (t.rows.length === 0) return undefined;
  return html`<section class="sql-upgrades" id="sql-upgrades">
<h2>SQL upgrade: plain SQL vs compiled plan</h2>
<p>Each cell is one resume of the SQL job's savepoint on the newer (or older) release: restored, with the scenario's verdict
from the oracle, or Flink's refusal in its own words. Flink promises compatibility across releases only for compiled plans.</p>
<table class="sql-upgrade-table"><thead><tr><th>from -> to</th>${SQL_UPGRADE_MODES.map((m) => html`<th>${m}</th>`)}</tr></thead><tbody>
${t.rows.map((r) => html`<tr><th>${r.from} -> ${r.to}</th>${SQL_UPGRADE_MODES.map((m) => {
    const c = r.cells[m];
    return c.attempts.length === 0 ? html`<td class="sqlu-none">not run</td>` : html`<td>${c.attempts.map(attemptHtml)}</td>`;
  })}</tr>\n`)}
</tbody></table>
<style>.verdict-pass { background: #e5f5e0; } .verdict-fail { background: #fde0dd; } .verdict-inconclusive { background: #fff7bc; }
.sqlu-incompatible { background: #eef2fb; } .sqlu-none { color: #999; } .sql-upgrade-table td div { padding: .2rem; }</style>
</section>`;
}
