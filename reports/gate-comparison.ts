// The regression gate's decision: a pure function from the run reports of a
// baseline and a candidate Flink release (plus the baseline -> candidate
// upgrade run) to a comparison, per scenario, and one exit code. It reads
// verdicts and derived figures as the runs wrote them; it never re-judges.
import type { HistoryEvent } from '../history/types.js';
import type { RunReportJson, ScenarioStatus } from './run-report.js';

export type ScenarioJson = RunReportJson['scenarios'][number];

/** Exit codes of `npm run gate` (documented in docs/gating.md). */
export const GATE_EXIT = {
  pass: 0,
  correctnessRegression: 1,
  recoveryRegression: 2,
  couldNotRun: 3,
  /** No regression found, but some scenario's evidence did not support a verdict. */
  inconclusive: 4,
} as const;

export interface GateThresholds {
  /** A recovery slower than baseline by more than this many percent is a regression... */
  recoveryRegressionPct: number;
  /** ...if it is also slower by at least this many ms (polling granularity is 0.5 s). */
  recoveryMinDeltaMs: number;
}

export const DEFAULT_THRESHOLDS: GateThresholds = { recoveryRegressionPct: 50, recoveryMinDeltaMs: 2_000 };

/** What the gate reads off one scenario's result. */
export interface ScenarioFigures {
  flinkVersion: string;
  status: ScenarioStatus;
  /** The decisive reason codes of a run that did not pass (from its outcome). */
  reasons?: string[];
  /** The oracle's verdict; null when the scenario reached none. */
  verdictOk: boolean | null;
  failures: number | null;
  duplicateRecords: number | null;
  /** First line of the error when the scenario did not pass. */
  error?: string;
  durationMs: number;
  /** Faults with a measured recovery. */
  faults: number;
  /**
   * Slowest recovery (fault ok -> job fully running again), ms. null: a fault
   * whose recovery was never seen; undefined: nothing to measure.
   */
  recoveryMs?: number | null;
  /** Slowest "output caught up" after a fault, ms (report only). */
  outputCaughtUpMs?: number | null;
  /** Input the generator had acknowledged per second while it ran (report only). */
  inputEventsPerS: number | null;
  /** Output records per second between the first and the last arrival (report only). */
  outputRecordsPerS: number | null;
  /** Completed checkpoints seen, with the largest and the last size in bytes (report only). */
  checkpoints: { count: number; maxBytes: number | null; lastBytes: number | null };
}

export type FindingKind =
  | 'correctness-regression'
  | 'recovery-regression'
  | 'missing-on-candidate'
  | 'missing-on-baseline'
  | 'failing-on-both'
  | 'fixed-on-candidate'
  | 'inconclusive';

export interface Finding {
  kind: FindingKind;
  text: string;
}

export interface ComparisonRow {
  scenario: string;
  baseline?: ScenarioFigures;
  candidate?: ScenarioFigures;
  /** (candidate - baseline) / baseline recovery, percent; undefined when not comparable. */
  recoveryChangePct?: number;
  findings: Finding[];
}

export interface UpgradeFigures {
  from: string;
  to: string;
  scenario: string;
  status: ScenarioStatus;
  verdictOk: boolean | null;
  /** restored, incompatible savepoint (with Flink's message), job failed, or not reached. */
  restore: { kind: string; reason?: string; message?: string };
  downtimeMs?: number;
  error?: string;
}

export type GateVerdict = 'pass' | 'correctness regression' | 'recovery-time regression' | 'could not run' | 'inconclusive';

export interface GateComparison {
  baseline: { version: string; runId?: string };
  candidate: { version: string; runId?: string };
  thresholds: GateThresholds;
  rows: ComparisonRow[];
  /** undefined: the upgrade was not part of this gate (--scenarios excluded it). */
  upgrade?: { ran: true; figures: UpgradeFigures[] } | { ran: false; reason: string };
  /** Why the gate could not give a full answer (a run without report, scenarios missing). */
  problems: string[];
  summary: {
    scenarios: number;
    passedOnBoth: number;
    correctnessRegressions: number;
    recoveryRegressions: number;
    failingOnBoth: number;
    fixedOnCandidate: number;
    /** Scenarios inconclusive on either release (and not failing): counted apart, never as passes. */
    inconclusive: number;
    upgrade: 'passed' | 'failed' | 'inconclusive' | 'not run';
  };
  verdict: GateVerdict;
  exitCode: number;
}

export interface GateInput {
  baselineVersion: string;
  candidateVersion: string;
  /** null: the run produced no report (harness error). */
  baseline: RunReportJson | null;
  candidate: RunReportJson | null;
  /** null: asked for but no report; 'skipped': not part of this gate. */
  upgrade: RunReportJson | null | 'skipped';
  thresholds?: Partial<GateThresholds>;
}

export function compareRuns(input: GateInput): GateComparison {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const problems: string[] = [];
  if (!input.baseline) problems.push(`the baseline run (Flink ${input.baselineVersion}) wrote no report`);
  if (!input.candidate) problems.push(`the candidate run (Flink ${input.candidateVersion}) wrote no report`);
  for (const [role, run, version] of [
    ['baseline', input.baseline, input.baselineVersion],
    ['candidate', input.candidate, input.candidateVersion],
  ] as const) {
    const other = run?.scenarios.filter((s) => s.flinkVersion !== version).map((s) => `${s.name} (${s.flinkVersion})`) ?? [];
    if (other.length) problems.push(`the ${role} report holds scenarios of another Flink release than ${version}: ${other.join(', ')}`);
  }

  const baseline = byName(input.baseline);
  const candidate = byName(input.candidate);
  const names = [...new Set([...baseline.keys(), ...candidate.keys()])];
  const rows = names.map((scenario) => compareScenario(scenario, baseline.get(scenario), candidate.get(scenario), thresholds, !!input.baseline, !!input.candidate));
  for (const r of rows) for (const f of r.findings) if (f.kind === 'missing-on-candidate' || f.kind === 'missing-on-baseline') problems.push(f.text);

  let upgrade: GateComparison['upgrade'];
  if (input.upgrade === 'skipped') upgrade = { ran: false, reason: 'not selected (--scenarios / --no-upgrade)' };
  else if (input.upgrade === null) {
    upgrade = { ran: false, reason: 'the upgrade run wrote no report' };
    problems.push(`the upgrade run (Flink ${input.baselineVersion} -> ${input.candidateVersion}) wrote no report`);
  } else {
    const figures = input.upgrade.scenarios.filter((s) => s.name.startsWith('upgrade-')).map(upgradeFigures);
    if (figures.length === 0) {
      upgrade = { ran: false, reason: 'the upgrade report holds no upgrade scenario' };
      problems.push('the upgrade report holds no upgrade scenario');
    } else upgrade = { ran: true, figures };
  }

  if (rows.length === 0 && upgrade?.ran !== true && !problems.length) problems.push('nothing to compare: neither run holds any scenario result');
  const count = (k: FindingKind) => rows.filter((r) => r.findings.some((f) => f.kind === k)).length;
  const upgradeFailed = upgrade?.ran === true && upgrade.figures.some((f) => failing(f.status));
  const upgradeInconclusive = upgrade?.ran === true && !upgradeFailed && upgrade.figures.some((f) => f.status === 'inconclusive');
  const summary: GateComparison['summary'] = {
    scenarios: rows.length,
    passedOnBoth: rows.filter((r) => r.baseline?.status === 'passed' && r.candidate?.status === 'passed').length,
    correctnessRegressions: count('correctness-regression'),
    recoveryRegressions: count('recovery-regression'),
    failingOnBoth: count('failing-on-both'),
    fixedOnCandidate: count('fixed-on-candidate'),
    inconclusive: count('inconclusive'),
    upgrade: upgrade?.ran ? (upgradeFailed ? 'failed' : upgradeInconclusive ? 'inconclusive' : 'passed') : 'not run',
  };
  // A definitive correctness regression outranks an incomplete gate, which
  // outranks a slower recovery (a slower recovery in a partial run is no all-clear).
  const verdict: GateVerdict =
    summary.correctnessRegressions > 0 || upgradeFailed
      ? 'correctness regression'
      : problems.length > 0
        ? 'could not run'
        : summary.inconclusive > 0 || upgradeInconclusive
          ? 'inconclusive'
          : summary.recoveryRegressions > 0
            ? 'recovery-time regression'
            : 'pass';
  const exitCode = {
    pass: GATE_EXIT.pass,
    'correctness regression': GATE_EXIT.correctnessRegression,
    'recovery-time regression': GATE_EXIT.recoveryRegression,
    'could not run': GATE_EXIT.couldNotRun,
    inconclusive: GATE_EXIT.inconclusive,
  }[verdict];
  return {
    baseline: { version: input.baselineVersion, runId: input.baseline?.runId },
    candidate: { version: input.candidateVersion, runId: input.candidate?.runId },
    thresholds,
    rows,
    upgrade,
    problems,
    summary,
    verdict,
    exitCode,
  };
}

function byName(run: RunReportJson | null): Map<string, ScenarioJson> {
  const out = new Map<string, ScenarioJson>();
  // A name twice (a retried scenario) keeps the last result: what the run ended on.
  for (const s of run?.scenarios ?? []) out.set(s.name, s);
  return out;
}

function compareScenario(
  scenario: string,
  b: ScenarioJson | undefined,
  c: ScenarioJson | undefined,
  t: GateThresholds,
  baselineRan: boolean,
  candidateRan: boolean,
): ComparisonRow {
  const row: ComparisonRow = { scenario, findings: [] };
  if (b) row.baseline = scenarioFigures(b);
  if (c) row.candidate = scenarioFigures(c);
  const B = row.baseline;
  const C = row.candidate;
  if (!C) {
    if (candidateRan) row.findings.push({ kind: 'missing-on-candidate', text: `${scenario}: ran on the baseline, no result on the candidate` });
    return row;
  }
  if (!B) {
    if (baselineRan) row.findings.push({ kind: 'missing-on-baseline', text: `${scenario}: ran on the candidate, no result on the baseline` });
    return row;
  }
  const passed = (f: ScenarioFigures) => f.status === 'passed';
  const fails = (f: ScenarioFigures) => failing(f.status);
  const why = (f: ScenarioFigures) => (f.error ? `: ${f.error}` : f.reasons?.length ? ` (${f.reasons.join(', ')})` : '');
  if (!fails(B) && fails(C)) {
    // A failure on the candidate where the baseline did not fail: a regression even if the baseline was only inconclusive.
    row.findings.push({ kind: 'correctness-regression', text: `${scenario}: ${B.status === 'passed' ? 'passes' : B.status} on ${B.flinkVersion}, ${C.status} on ${C.flinkVersion}${why(C)}` });
  } else if (fails(B) && fails(C)) {
    row.findings.push({ kind: 'failing-on-both', text: `${scenario}: ${B.status} on ${B.flinkVersion} and ${C.status} on ${C.flinkVersion}` });
  } else if (fails(B) && passed(C)) {
    row.findings.push({ kind: 'fixed-on-candidate', text: `${scenario}: ${B.status} on ${B.flinkVersion}, passes on ${C.flinkVersion}` });
  } else if (B.status === 'inconclusive' || C.status === 'inconclusive') {
    const side = [B, C].filter((f) => f.status === 'inconclusive').map((f) => `${f.flinkVersion}${why(f)}`);
    row.findings.push({ kind: 'inconclusive', text: `${scenario}: inconclusive on ${side.join(' and ')}` });
  }

  const recovery = recoveryRegression(B.recoveryMs, C.recoveryMs, t);
  if (recovery.changePct !== undefined) row.recoveryChangePct = recovery.changePct;
  if (recovery.regressed) {
    row.findings.push({
      kind: 'recovery-regression',
      text:
        C.recoveryMs === null
          ? `${scenario}: recovered on ${B.flinkVersion} (${B.recoveryMs} ms), never seen recovering on ${C.flinkVersion}`
          : `${scenario}: recovery ${B.recoveryMs} ms on ${B.flinkVersion} -> ${C.recoveryMs} ms on ${C.flinkVersion} (+${recovery.changePct!.toFixed(0)} %, threshold ${t.recoveryRegressionPct} % and ${t.recoveryMinDeltaMs} ms)`,
    });
  }
  return row;
}

/** Whether the candidate's recovery is slower beyond both thresholds. Pure, exported for tests. */
export function recoveryRegression(
  baseline: number | null | undefined,
  candidate: number | null | undefined,
  t: GateThresholds,
): { regressed: boolean; changePct?: number } {
  if (baseline === undefined || candidate === undefined || baseline === null) return { regressed: false };
  if (candidate === null) return { regressed: true };
  const changePct = baseline > 0 ? ((candidate - baseline) / baseline) * 100 : candidate > 0 ? Infinity : 0;
  return { regressed: changePct > t.recoveryRegressionPct && candidate - baseline >= t.recoveryMinDeltaMs, changePct };
}

export function scenarioFigures(s: ScenarioJson): ScenarioFigures {
  const recoveries = s.derived?.recoveries ?? [];
  const events = (s.history?.events ?? []) as HistoryEvent[];
  const extraRecovery = typeof s.extra?.recoveryMs === 'number' ? (s.extra.recoveryMs as number) : undefined;
  const figures: ScenarioFigures = {
    flinkVersion: s.flinkVersion,
    status: s.status,
    verdictOk: s.verdict ? s.verdict.ok : null,
    failures: s.verdict ? s.verdict.summary.bySeverity.failure : null,
    duplicateRecords: s.verdict ? s.verdict.summary.duplicateRecords : null,
    durationMs: s.durationMs,
    faults: recoveries.length,
    recoveryMs: recoveries.length > 0 ? slowest(recoveries.map((r) => r.runningAfterMs)) : extraRecovery,
    outputCaughtUpMs: recoveries.length > 0 ? slowest(recoveries.map((r) => r.outputCaughtUpMs)) : undefined,
    inputEventsPerS: inputRate(events),
    outputRecordsPerS: outputRate(s),
    checkpoints: checkpointSizes(events),
  };
  if (s.status !== 'passed' && s.error) figures.error = firstLine(s.error);
  const decisive = s.outcome?.reasons.filter((r) => r.effect !== 'info').map((r) => r.code);
  if (decisive?.length) figures.reasons = [...new Set(decisive)];
  return figures;
}

/** The largest of the values; null if any is null (a recovery never seen is the slowest of all). */
function slowest(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : Math.max(...(values as number[]));
}

function inputRate(events: HistoryEvent[]): number | null {
  const g = events.filter((e): e is Extract<HistoryEvent, { kind: 'generator' }> => e.kind === 'generator').sort((a, b) => a.t - b.t);
  if (g.length < 2) return null;
  const span = (g.at(-1)!.t - g[0]!.t) / 1000;
  return span > 0 ? (g.at(-1)!.total - g[0]!.total) / span : null;
}

function outputRate(s: ScenarioJson): number | null {
  const buckets = s.derived?.outputRate ?? [];
  const first = buckets.findIndex((b) => b.records > 0);
  if (first === -1) return null;
  let last = first;
  buckets.forEach((b, i) => {
    if (b.records > 0) last = i;
  });
  const records = buckets.slice(first, last + 1).reduce((n, b) => n + b.records, 0);
  const seconds = buckets[last]!.secondsFromStart - buckets[first]!.secondsFromStart + (buckets[1] ? buckets[1].secondsFromStart - buckets[0]!.secondsFromStart : 1);
  return seconds > 0 ? records / seconds : null;
}

function checkpointSizes(events: HistoryEvent[]): ScenarioFigures['checkpoints'] {
  const sizes = events
    .filter((e): e is Extract<HistoryEvent, { kind: 'checkpoint' }> => e.kind === 'checkpoint' && e.type === 'checkpoint')
    .sort((a, b) => a.t - b.t)
    .map((e) => e.sizeBytes)
    .filter((n): n is number => typeof n === 'number');
  return { count: sizes.length, maxBytes: sizes.length ? Math.max(...sizes) : null, lastBytes: sizes.at(-1) ?? null };
}

function upgradeFigures(s: ScenarioJson): UpgradeFigures {
  const up = (s.extra?.upgrade ?? {}) as { from?: string; to?: string };
  const restore = (s.extra?.restore ?? undefined) as { kind?: string; reason?: string; message?: string } | undefined;
  const f: UpgradeFigures = {
    from: up.from ?? s.flinkVersion,
    to: up.to ?? '?',
    scenario: s.name,
    status: s.status,
    verdictOk: s.verdict ? s.verdict.ok : null,
    restore: restore?.kind ? { kind: restore.kind, ...(restore.reason ? { reason: restore.reason } : {}), ...(restore.message ? { message: restore.message } : {}) } : { kind: 'not reached' },
  };
  if (typeof s.extra?.upgradeDowntimeMs === 'number') f.downtimeMs = s.extra.upgradeDowntimeMs as number;
  if (s.status !== 'passed' && s.error) f.error = firstLine(s.error);
  return f;
}

const firstLine = (text: string) => text.trim().split('\n')[0]!.slice(0, 500);

/** failed or error: a red run. inconclusive is neither red nor a pass. */
function failing(status: ScenarioStatus): boolean {
  return status === 'failed' || status === 'error';
}

/** The gate's result as lines for a terminal (the HTML page says the same, with tables). */
export function formatGateSummary(g: GateComparison): string {
  const s = g.summary;
  const lines = [
    `gate ${g.baseline.version} -> ${g.candidate.version}: ${g.verdict.toUpperCase()} (exit ${g.exitCode})`,
    `scenarios ${s.scenarios}: ${s.passedOnBoth} pass on both, ${s.correctnessRegressions} correctness regression(s), ` +
      `${s.recoveryRegressions} recovery-time regression(s), ${s.failingOnBoth} failing on both, ${s.fixedOnCandidate} fixed on the candidate, ${s.inconclusive} inconclusive`,
    `upgrade ${g.baseline.version} -> ${g.candidate.version}: ${s.upgrade}` +
      (g.upgrade?.ran ? ` (${g.upgrade.figures.map((f) => `${f.restore.kind}${f.restore.message ? `: ${f.restore.message}` : ''}`).join('; ')})` : g.upgrade ? ` (${g.upgrade.reason})` : ''),
  ];
  for (const r of g.rows) for (const f of r.findings) lines.push(`  [${f.kind}] ${f.text}`);
  for (const p of g.problems) lines.push(`  [could not run] ${p}`);
  return lines.join('\n');
}
