// The N x N upgrade matrix: rows the release a savepoint is taken on, columns
// the release it is resumed on, each cell the upgrade scenario's outcome on
// that pair, set against what Flink promises for it. Pure: run reports in,
// cells, regressions and replay commands out (the page is in gate-matrix.ts).
import { compareVersions } from '../containers/artifacts/versions.js';
import { shellQuote } from './campaign-plan.js';
import type { RunReportJson } from './run-report.js';

/** What one cell came to. 'incompatible': Flink refused the savepoint, in its own words. */
export type UpgradeCellOutcome = 'pass' | 'fail' | 'incompatible' | 'inconclusive' | 'not run';

/**
 * What Flink promises for a pair. Its upgrading guide's compatibility table
 * ("Upgrading Applications and Flink Versions") only goes forward: a savepoint
 * of release A restores on A and any newer release. Nothing is promised for an
 * older release, so a downgrade may pass or be refused; it must never restore
 * into wrong output.
 */
export type UpgradeExpectation = 'pass' | 'pass or incompatible';

export const expectationFor = (from: string, to: string): UpgradeExpectation => (compareVersions(from, to) <= 0 ? 'pass' : 'pass or incompatible');

/** The upgrade scenario's test a cell runs (vitest -t): the at-least-once body, savepoint on `from`, resume on `to`, oracle over both. */
export const UPGRADE_CELL_TEST = ': a savepoint of ';

export interface UpgradeCell {
  from: string;
  to: string;
  outcome: UpgradeCellOutcome;
  expected: UpgradeExpectation;
  /** The outcome breaks what Flink promises, or the output was wrong: a regression. Inconclusive and not run are never one (nor a pass). */
  regression: boolean;
  /** Decisive reason codes, Flink's refusal, or the first line of the error. */
  why?: string;
  runId?: string;
  /** The cell's run report folder (as given; the page makes it relative). */
  reportDir?: string;
  durationMs?: number;
  /** The command that reruns just this cell. */
  replay: string;
}

export interface UpgradeRun {
  from: string;
  to: string;
  runId: string;
  reportDir?: string;
  report: RunReportJson | null;
  vitestExitCode: number;
}

/** One cell from its run: Flink's refusal first (whatever the test then said), then the scenario's outcome. */
export function upgradeCell(run: UpgradeRun, env: Record<string, string> = {}, versionOf: (spec: string) => string = (v) => v): UpgradeCell {
  const { from, to } = run;
  const expected = expectationFor(versionOf(from), versionOf(to));
  const base = { from, to, expected, runId: run.runId, replay: cellReplayCommand(from, to, env), ...(run.reportDir && run.report ? { reportDir: run.reportDir } : {}) };
  const s = run.report?.scenarios.find((x) => x.name.startsWith('upgrade-'));
  if (!s) return { ...base, outcome: 'not run', regression: false, why: run.report ? 'the run holds no upgrade scenario' : `the run wrote no report (vitest exit ${run.vitestExitCode})` };
  const restore = s.extra?.restore as { kind?: string; reason?: string; message?: string } | undefined;
  const reasons = [...new Set((s.outcome?.reasons ?? []).filter((r) => r.effect !== 'info').map((r) => r.code))].join(', ');
  const firstLine = s.error?.trim().split('\n')[0]?.slice(0, 240);
  let outcome: UpgradeCellOutcome;
  let why: string | undefined;
  if (restore?.kind === 'incompatible savepoint') {
    outcome = 'incompatible';
    why = `${restore.reason ? `${restore.reason}: ` : ''}${(restore.message ?? '').split('\n')[0]!.slice(0, 240)}`;
  } else if (s.status === 'error') {
    // The scenario could not reach a verdict (a client or cluster that did not come up): no
    // finding about the pair, never a pass; rerun the cell.
    outcome = 'inconclusive';
    why = `scenario.error: ${firstLine ?? 'no message'}`;
  } else {
    const o = s.outcome?.outcome ?? (s.status === 'passed' ? 'pass' : s.status === 'inconclusive' ? 'inconclusive' : 'fail');
    outcome = o;
    why = o === 'pass' ? undefined : reasons || firstLine;
  }
  const regression = outcome === 'fail' || (outcome === 'incompatible' && expected === 'pass');
  return { ...base, outcome, regression, durationMs: s.durationMs, ...(why ? { why } : {}) };
}

export interface UpgradeGrid {
  /** Ascending: rows and columns. */
  versions: string[];
  /** cells[from][to], from !== to. */
  cells: Record<string, Record<string, UpgradeCell>>;
  regressions: UpgradeCell[];
  inconclusive: UpgradeCell[];
  notRun: UpgradeCell[];
  /** 0 as Flink promises, 1 a regression, 3 a cell did not run, 4 a cell was inconclusive (never a pass). */
  exitCode: 0 | 1 | 3 | 4;
}

/**
 * `versions` as given (a release or dist:<path>), ordered by the Flink version
 * each stands for (`versionOf`: a distribution's own version; default the name itself).
 */
export function upgradeGrid(versions: readonly string[], runs: readonly UpgradeRun[], env: Record<string, string> = {}, versionOf: (spec: string) => string = (v) => v): UpgradeGrid {
  const ascending = [...new Set(versions)].sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const cells: UpgradeGrid['cells'] = {};
  const all: UpgradeCell[] = [];
  for (const from of ascending) {
    for (const to of ascending) {
      if (from === to) continue;
      const run = runs.find((r) => r.from === from && r.to === to);
      const cell = run
        ? upgradeCell(run, env, versionOf)
        : { from, to, outcome: 'not run' as const, expected: expectationFor(versionOf(from), versionOf(to)), regression: false, why: 'not in this matrix run', replay: cellReplayCommand(from, to, env) };
      (cells[from] ??= {})[to] = cell;
      all.push(cell);
    }
  }
  const regressions = all.filter((c) => c.regression);
  const inconclusive = all.filter((c) => c.outcome === 'inconclusive');
  const notRun = all.filter((c) => c.outcome === 'not run');
  return { versions: ascending, cells, regressions, inconclusive, notRun, exitCode: regressions.length ? 1 : notRun.length ? 3 : inconclusive.length ? 4 : 0 };
}

/** Reruns one cell on a fresh cluster: the upgrade scenario's at-least-once test, `from` -> `to`. */
export function cellReplayCommand(from: string, to: string, env: Record<string, string> = {}): string {
  const vars = { ...env, FLINK_VERSION: to, HARNESS_UPGRADE_FROM: from, HARNESS_UPGRADE_TO: to };
  const prefix = Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  return `${prefix} npx vitest run --project cluster scenarios/upgrade.test.ts -t ${shellQuote(UPGRADE_CELL_TEST)}`;
}

/** The grid as a markdown table (for the README and the terminal): rows from, columns to. */
export function gridMarkdown(grid: UpgradeGrid): string {
  const head = `| from \\ to | ${grid.versions.join(' | ')} |`;
  const rule = `|---|${grid.versions.map(() => '---').join('|')}|`;
  const rows = grid.versions.map((from) => {
    const cols = grid.versions.map((to) => {
      if (from === to) return '–';
      const c = grid.cells[from]![to]!;
      return `${c.outcome}${c.regression ? ' (regression)' : ''}${c.durationMs ? ` · ${Math.round(c.durationMs / 1000)} s` : ''}`;
    });
    return `| **${from}** | ${cols.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** A few lines for the terminal: counts, then each regression, inconclusive or missing cell with its replay. */
export function formatGridOverview(grid: UpgradeGrid): string {
  const n = grid.versions.length * (grid.versions.length - 1);
  const count = (o: UpgradeCellOutcome) => Object.values(grid.cells).flatMap((r) => Object.values(r)).filter((c) => c.outcome === o).length;
  const lines = [`upgrade matrix ${grid.versions.join(', ')}: ${n} cells: ${count('pass')} pass, ${count('incompatible')} incompatible, ${count('fail')} fail, ${count('inconclusive')} inconclusive, ${count('not run')} not run; ${grid.regressions.length} regression(s)`];
  const line = (tag: string, c: UpgradeCell) => `  [${tag}] ${c.from} -> ${c.to}: ${c.outcome} (expected ${c.expected})${c.why ? `: ${c.why}` : ''}\n      replay: ${c.replay}`;
  for (const c of grid.regressions) lines.push(line('regression', c));
  for (const c of grid.inconclusive) lines.push(line('inconclusive', c));
  for (const c of grid.notRun) lines.push(line('not run', c));
  return lines.join('\n');
}
