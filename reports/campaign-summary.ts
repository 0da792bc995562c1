// A campaign as data: every run's outcome as its scenarios settled it (read
// from their run reports, never re-judged), and the summary the counts add up
// to. Pure: the campaign command, the shard merge and the HTML page share it.
import type { Outcome } from '../assertions/outcome.js';
import type { PlannedRun, Shard } from './campaign-plan.js';

export const CAMPAIGN_KIND = 'flink-harness.campaign';

/** One ScenarioResult of one run, as far as the campaign cares. */
export interface CampaignResult {
  /** ScenarioResult.name. */
  name: string;
  outcome: Outcome;
  durationMs: number;
  /** Reason codes and messages that decided a fail or inconclusive outcome. */
  reasons: string[];
  /** The schedule's own replay command (fault schedules put it into extra.replay). */
  replay?: string;
}

export interface CampaignRun extends PlannedRun {
  runId: string;
  startedAt: number;
  wallTimeMs: number;
  /** vitest's exit code. */
  exitCode: number;
  results: CampaignResult[];
  /** Worst outcome of the run's results; see runOutcome. */
  outcome: Outcome;
  /** Why the run as a whole is not a pass when no result says so (no report, non-zero exit). */
  runReasons: string[];
  /** The command that reruns exactly this run (same file, same seed). */
  replay: string;
  /** vitest's output of the run, relative to the campaign folder. */
  log?: string;
}

export interface Stats {
  min: number;
  median: number;
  max: number;
}

export interface ScenarioSummary {
  name: string;
  runs: number;
  pass: number;
  fail: number;
  inconclusive: number;
  durationMs: Stats;
  /** The first non-pass by plan index; fail wins over inconclusive. */
  firstFailure?: { index: number; runId: string; seed: number; outcome: Outcome; reasons: string[]; replay: string };
}

export interface CampaignSummary {
  runs: number;
  pass: number;
  fail: number;
  inconclusive: number;
  scenarios: ScenarioSummary[];
}

export interface CampaignReport {
  kind: typeof CAMPAIGN_KIND;
  campaignId: string;
  /** The options every shard must share: they fix the plan. */
  campaign: { scenarios: string[]; runsPerScenario: number; seed: number; untilFail: boolean; test?: string; flinkVersion: string };
  /** The shards this report holds (one for a shard's own report, all after a merge). */
  shards: Shard[];
  /** Runs the whole campaign planned (all shards). */
  planned: number;
  /** Runs the shards planned but did not run (--until-fail stopped, or the campaign was cut short). */
  notRun: number;
  startedAt: number;
  finishedAt: number;
  runs: CampaignRun[];
  summary: CampaignSummary;
}

/** A missing outcome (reports before outcomes were wired) follows the status: passed -> pass, failed/error -> fail. */
export function resultOutcome(r: { status: string; outcome?: { outcome: Outcome } }): Outcome {
  if (r.outcome) return r.outcome.outcome;
  if (r.status === 'passed') return 'pass';
  if (r.status === 'inconclusive') return 'inconclusive';
  return 'fail';
}

const severity: Record<Outcome, number> = { pass: 0, inconclusive: 1, fail: 2 };
export const worst = (outcomes: readonly Outcome[]): Outcome => outcomes.reduce<Outcome>((w, o) => (severity[o] > severity[w] ? o : w), 'pass');

/**
 * A run passes only when it produced results and every one passed; a run
 * with no report, or one vitest failed though every result says pass (a
 * teardown check, leftovers), fails: a campaign never counts what it cannot see.
 */
export function runOutcome(results: readonly CampaignResult[], exitCode: number): { outcome: Outcome; runReasons: string[] } {
  const runReasons: string[] = [];
  if (results.length === 0) runReasons.push(`campaign.no-report: the run wrote no scenario result (vitest exit ${exitCode})`);
  // An inconclusive result may explain the exit code (if the scenario marks it so); only an all-pass run with one is suspect.
  else if (exitCode !== 0 && results.every((r) => r.outcome === 'pass')) runReasons.push(`campaign.exit-code: vitest exited ${exitCode} though every result passed`);
  return { outcome: runReasons.length ? 'fail' : worst(results.map((r) => r.outcome)), runReasons };
}

/** Median of the sorted middle (the mean of the two middle values for an even count). */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1] };
}

/**
 * Counts per scenario (ScenarioResult name; a run that produced none counts
 * under its scenario file), durations, and the first failure by plan index.
 * Independent of the order of `runs`, so a merge of shards equals the whole.
 */
export function summarise(runs: readonly CampaignRun[]): CampaignSummary {
  const byIndex = [...runs].sort((a, b) => a.index - b.index);
  const groups = new Map<string, { run: CampaignRun; outcome: Outcome; durationMs: number; reasons: string[]; replay: string }[]>();
  for (const run of byIndex) {
    const entries = run.results.length
      ? run.results.map((r) => ({ name: r.name, outcome: r.outcome, durationMs: r.durationMs, reasons: r.reasons, replay: r.replay ?? run.replay }))
      : [{ name: run.scenario, outcome: run.outcome, durationMs: run.wallTimeMs, reasons: run.runReasons, replay: run.replay }];
    if (run.results.length && run.runReasons.length) {
      // The run failed as a whole: every result of it carries that.
      for (const e of entries) {
        e.outcome = 'fail';
        e.reasons = [...e.reasons, ...run.runReasons];
      }
    }
    for (const e of entries) {
      const list = groups.get(e.name) ?? [];
      list.push({ run, ...e });
      groups.set(e.name, list);
    }
  }
  const scenarios = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]): ScenarioSummary => {
      const count = (o: Outcome) => list.filter((e) => e.outcome === o).length;
      const first = list.find((e) => e.outcome === 'fail') ?? list.find((e) => e.outcome === 'inconclusive');
      return {
        name,
        runs: list.length,
        pass: count('pass'),
        fail: count('fail'),
        inconclusive: count('inconclusive'),
        durationMs: stats(list.map((e) => e.durationMs)),
        ...(first
          ? { firstFailure: { index: first.run.index, runId: first.run.runId, seed: first.run.seed, outcome: first.outcome, reasons: first.reasons, replay: first.replay } }
          : {}),
      };
    });
  const count = (o: Outcome) => byIndex.filter((r) => r.outcome === o).length;
  return { runs: byIndex.length, pass: count('pass'), fail: count('fail'), inconclusive: count('inconclusive'), scenarios };
}

/**
 * Joins shard reports of one campaign into one: same campaign options
 * required (they fix the plan), each plan index at most once, the summary
 * recomputed from all runs. Throws with what differs.
 */
export function mergeCampaigns(reports: readonly CampaignReport[]): CampaignReport {
  if (reports.length === 0) throw new Error('nothing to merge: no campaign report given');
  const first = reports[0];
  const key = (r: CampaignReport) => JSON.stringify(r.campaign);
  for (const r of reports) {
    if (r.kind !== CAMPAIGN_KIND) throw new Error(`${r.campaignId ?? '?'} is not a campaign report (kind ${String(r.kind)})`);
    if (key(r) !== key(first)) throw new Error(`shards of different campaigns: ${key(first)} vs ${key(r)} (same --scenario, --runs, --seed, --test and Flink release needed)`);
  }
  const runs = new Map<number, CampaignRun>();
  for (const r of reports) {
    for (const run of r.runs) {
      if (runs.has(run.index)) throw new Error(`run ${run.index} (${run.scenario} #${run.repetition}) is in two shard reports: a shard was given twice`);
      runs.set(run.index, run);
    }
  }
  const shards = reports.flatMap((r) => r.shards).sort((a, b) => a.count - b.count || a.index - b.index);
  const all = [...runs.values()].sort((a, b) => a.index - b.index);
  return {
    kind: CAMPAIGN_KIND,
    campaignId: first.campaignId,
    campaign: first.campaign,
    shards,
    planned: first.planned,
    notRun: reports.reduce((n, r) => n + r.notRun, 0),
    startedAt: Math.min(...reports.map((r) => r.startedAt)),
    finishedAt: Math.max(...reports.map((r) => r.finishedAt)),
    runs: all,
    summary: summarise(all),
  };
}

/** The summary as a terminal table, then the first failure's replay per scenario. */
export function formatCampaignSummary(s: CampaignSummary): string {
  const sec = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(0)} s` : '-');
  const head = ['scenario'.padEnd(44), 'runs', 'pass', 'fail', 'inconcl.', 'min / median / max'];
  const rows = s.scenarios.map((x) =>
    [x.name.slice(0, 44).padEnd(44), String(x.runs).padStart(4), String(x.pass).padStart(4), String(x.fail).padStart(4), String(x.inconclusive).padStart(8), `${sec(x.durationMs.min)} / ${sec(x.durationMs.median)} / ${sec(x.durationMs.max)}`].join('  '),
  );
  const failures = s.scenarios
    .filter((x) => x.firstFailure)
    .map((x) => `  ${x.name}: first ${x.firstFailure!.outcome} in run ${x.firstFailure!.runId} (seed ${x.firstFailure!.seed})\n    ${x.firstFailure!.reasons.slice(0, 3).join('\n    ')}\n    replay: ${x.firstFailure!.replay}`);
  return [
    head.join('  '),
    ...rows,
    `runs: ${s.runs}, pass ${s.pass}, fail ${s.fail}, inconclusive ${s.inconclusive}`,
    ...(failures.length ? ['first failures:', ...failures] : []),
  ].join('\n');
}

/** What the campaign reads of a ScenarioResult (report.json or result.json). */
export interface ScenarioResultLike {
  name: string;
  status: string;
  durationMs: number;
  error?: string;
  outcome?: { outcome: Outcome; reasons: { code: string; effect: string; message: string }[] };
  extra?: Record<string, unknown>;
}

/** A run's ScenarioResults as campaign results: outcome, deciding reasons, a schedule's own replay. */
export function campaignResults(scenarios: readonly ScenarioResultLike[]): CampaignResult[] {
  return scenarios.map((s) => {
    const outcome = resultOutcome(s);
    const reasons = s.outcome
      ? s.outcome.reasons.filter((r) => r.effect !== 'info').map((r) => `${r.code}: ${r.message}`)
      : outcome === 'pass'
        ? []
        : [`status ${s.status}${s.error ? `: ${s.error.split('\n').find((l) => l.trim()) ?? ''}` : ''}`];
    const replay = typeof s.extra?.replay === 'string' ? s.extra.replay : undefined;
    return { name: s.name, outcome, durationMs: s.durationMs, reasons, ...(replay ? { replay } : {}) };
  });
}
