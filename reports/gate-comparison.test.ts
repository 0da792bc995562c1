import { describe, expect, test } from 'vitest';
import type { Recovery } from '../history/recovery.js';
import type { HistoryEvent } from '../history/types.js';
import { compareRuns, formatGateSummary, GATE_EXIT, recoveryRegression, scenarioFigures, type ScenarioJson } from './gate-comparison.js';
import type { RunReportJson } from './run-report.js';

const T0 = 1_800_000_000_000;

interface Spec {
  name: string;
  version: string;
  status?: 'passed' | 'failed' | 'error' | 'inconclusive';
  /** runningAfterMs per fault (null: never recovered). */
  recoveries?: (number | null)[];
  checkpoints?: number[];
  error?: string;
  extra?: Record<string, unknown>;
}

function scenario(s: Spec): ScenarioJson {
  const status = s.status ?? 'passed';
  const events: HistoryEvent[] = [
    { t: T0, kind: 'generator', total: 0, maxTimestampMs: -1 },
    { t: T0 + 10_000, kind: 'generator', total: 48_000, maxTimestampMs: 120_000 },
    ...(s.checkpoints ?? []).map((sizeBytes, i): HistoryEvent => ({ t: T0 + 1_000 * (i + 1), kind: 'checkpoint', jobId: 'j', id: i + 1, type: 'checkpoint', sizeBytes })),
    { t: T0 + 20_000, kind: 'checkpoint', jobId: 'j', id: 99, type: 'savepoint', sizeBytes: 999_999 },
  ];
  const recoveries: Recovery[] = (s.recoveries ?? []).map((ms, index) => ({
    fault: { index, name: 'kill-taskmanager', target: 'tm-1', invokedAt: T0 + index * 30_000, okAt: T0 + index * 30_000 + 100 },
    runningAfterMs: ms,
    disrupted: true,
    outputCaughtUpMs: ms === null ? null : ms + 1_000,
    frontierWindowStart: 0,
  }));
  return {
    name: s.name,
    flinkVersion: s.version,
    status,
    durationMs: 60_000,
    ...(status === 'error' ? {} : { verdict: verdict(status === 'passed' || status === 'inconclusive') }),
    ...(status === 'inconclusive'
      ? { outcome: { outcome: 'inconclusive', reasons: [{ code: 'fault.kill-taskmanager.no-effect', effect: 'inconclusive', message: 'no exception names tm-1' }] } }
      : {}),
    ...(s.error ? { error: s.error } : {}),
    extra: s.extra ?? {},
    history: {
      scenario: s.name,
      flinkVersion: s.version,
      startedAt: T0,
      endedAt: T0 + 60_000,
      events,
      ledger: { windowMs: 15_000, pages: [], acknowledged: {}, total: 48_000, maxTimestampMs: 120_000, closedThroughMs: 105_000 },
      output: [],
    },
    derived: {
      faults: recoveries.map((r) => r.fault),
      recoveries,
      outputRate: [0, 0, 6, 6, 0, 12, 0].map((records, i) => ({ startMs: T0 + i * 1000, secondsFromStart: i, records, perSecond: records })),
      duplicatesByFault: [],
    },
  } as ScenarioJson;
}

function verdict(ok: boolean) {
  return {
    ok,
    policy: { sink: 'at-least-once', time: 'event-time' },
    summary: {
      records: 48, wellFormed: 48, distinct: 48, duplicateRecords: 0, expectedKeys: 48, closedThroughMs: 105_000,
      byKind: { missing: ok ? 0 : 1, 'wrong-count': 0, 'identical-duplicate': 0, 'conflicting-duplicate': 0, unexpected: 0, malformed: 0, unsettled: 0, conservation: 0 },
      bySeverity: { failure: ok ? 0 : 1, tolerated: 0, info: 0 },
    },
    problems: [],
  } as unknown as ScenarioJson['verdict'];
}

function run(runId: string, scenarios: ScenarioJson[]): RunReportJson {
  return { runId, startedAt: T0, finishedAt: T0 + 1, wallTimeMs: 1, settings: {}, versions: {}, scenarios };
}

const A = '1.20.3';
const B = '2.2.1';
const upgradeRun = (status: 'passed' | 'failed', restore: Record<string, unknown>) =>
  run('u', [scenario({ name: `upgrade-${A}-to-${B}`, version: A, status, extra: { upgrade: { from: A, to: B }, restore, upgradeDowntimeMs: 40_000 }, ...(status === 'failed' ? { error: `AssertionError: expected '${restore.kind}' to be 'restored'` } : {}) })]);
const restored = { kind: 'restored', restoredPath: 'file:/tmp/sp' };

const both = (specs: Omit<Spec, 'version'>[], candidateOverrides: Record<string, Partial<Spec>> = {}) => ({
  baseline: run('b', specs.map((s) => scenario({ ...s, version: A }))),
  candidate: run('c', specs.map((s) => scenario({ ...s, version: B, ...candidateOverrides[s.name] }))),
});

describe('compareRuns', () => {
  test('the same results on both releases and a restored upgrade: pass, exit 0', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'playground' }, { name: 'failure-recovery', recoveries: [6_000] }]), upgrade: upgradeRun('passed', restored) });
    expect(g.verdict).toBe('pass');
    expect(g.exitCode).toBe(GATE_EXIT.pass);
    expect(g.summary).toMatchObject({ scenarios: 2, passedOnBoth: 2, correctnessRegressions: 0, recoveryRegressions: 0, upgrade: 'passed' });
    expect(g.rows.map((r) => r.scenario)).toEqual(['playground', 'failure-recovery']);
    expect(g.rows[1]!.recoveryChangePct).toBe(0);
  });

  test('a scenario that passes on the baseline and fails on the candidate: correctness regression, exit 1', () => {
    const g = compareRuns({
      baselineVersion: A, candidateVersion: B,
      ...both([{ name: 'playground' }, { name: 'savepoint-resume' }], { 'savepoint-resume': { status: 'failed', error: 'AssertionError: verdict FAILED: 1 failure(s)\nmore' } }),
      upgrade: 'skipped',
    });
    expect(g.exitCode).toBe(GATE_EXIT.correctnessRegression);
    expect(g.verdict).toBe('correctness regression');
    expect(g.rows[1]!.findings).toEqual([{ kind: 'correctness-regression', text: `savepoint-resume: passes on ${A}, failed on ${B}: AssertionError: verdict FAILED: 1 failure(s)` }]);
    expect(g.rows[1]!.candidate).toMatchObject({ verdictOk: false, failures: 1 });
  });

  test('inconclusive on the candidate is counted apart and never a pass (exit 4); a failure elsewhere still wins', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'playground' }, { name: 'failure-recovery' }], { 'failure-recovery': { status: 'inconclusive' } }), upgrade: 'skipped' });
    expect(g.verdict).toBe('inconclusive');
    expect(g.exitCode).toBe(GATE_EXIT.inconclusive);
    expect(g.summary).toMatchObject({ passedOnBoth: 1, inconclusive: 1, correctnessRegressions: 0 });
    expect(g.rows[1]!.findings[0]!.text).toContain('fault.kill-taskmanager.no-effect');
    expect(formatGateSummary(g)).toContain('1 inconclusive');
    const worse = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'playground' }, { name: 'failure-recovery' }], { 'failure-recovery': { status: 'inconclusive' }, playground: { status: 'failed', error: 'x' } }), upgrade: 'skipped' });
    expect(worse.verdict).toBe('correctness regression');
  });

  test('an error on the candidate (no verdict) where the baseline passed is a correctness regression too', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'playground' }], { playground: { status: 'error', error: 'job FAILED' } }), upgrade: 'skipped' });
    expect(g.exitCode).toBe(1);
    expect(g.rows[0]!.candidate!.verdictOk).toBeNull();
  });

  test('failing on both is reported but is no regression; failing only on the baseline is "fixed"', () => {
    const g = compareRuns({
      baselineVersion: A, candidateVersion: B,
      baseline: run('b', [scenario({ name: 'x', version: A, status: 'failed' }), scenario({ name: 'y', version: A, status: 'failed' })]),
      candidate: run('c', [scenario({ name: 'x', version: B, status: 'failed' }), scenario({ name: 'y', version: B })]),
      upgrade: 'skipped',
    });
    expect(g.exitCode).toBe(0);
    expect(g.summary).toMatchObject({ failingOnBoth: 1, fixedOnCandidate: 1, passedOnBoth: 0 });
  });

  test('a recovery slower beyond the threshold: exit 2; within it, or by less than the minimum delta: pass', () => {
    const slower = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'kill', recoveries: [5_000, 4_000] }], { kill: { recoveries: [8_000, 4_000] } }), upgrade: 'skipped' });
    expect(slower.exitCode).toBe(GATE_EXIT.recoveryRegression);
    expect(slower.verdict).toBe('recovery-time regression');
    expect(slower.rows[0]!.recoveryChangePct).toBeCloseTo(60);
    expect(slower.rows[0]!.findings[0]!.text).toContain('recovery 5000 ms on 1.20.3 -> 8000 ms on 2.2.1 (+60 %');

    const within = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'kill', recoveries: [5_000] }], { kill: { recoveries: [7_000] } }), upgrade: 'skipped' });
    expect(within.exitCode).toBe(0);
    const tiny = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'kill', recoveries: [1_000] }], { kill: { recoveries: [2_500] } }), upgrade: 'skipped' });
    expect(tiny.exitCode).toBe(0);
    const custom = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'kill', recoveries: [5_000] }], { kill: { recoveries: [7_000] } }), upgrade: 'skipped', thresholds: { recoveryRegressionPct: 20 } });
    expect(custom.exitCode).toBe(2);
    expect(custom.thresholds).toEqual({ recoveryRegressionPct: 20, recoveryMinDeltaMs: 2_000 });
  });

  test('a recovery never seen on the candidate is a recovery regression', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'kill', recoveries: [5_000] }], { kill: { recoveries: [5_000, null] } }), upgrade: 'skipped' });
    expect(g.exitCode).toBe(2);
    expect(g.rows[0]!.candidate!.recoveryMs).toBeNull();
  });

  test('an upgrade that cannot restore: correctness regression quoting "incompatible savepoint" and Flink\'s message', () => {
    const message = 'java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6';
    const g = compareRuns({
      baselineVersion: A, candidateVersion: B, ...both([{ name: 'playground' }]),
      upgrade: upgradeRun('failed', { kind: 'incompatible savepoint', reason: 'state-format', message }),
    });
    expect(g.exitCode).toBe(1);
    expect(g.summary.upgrade).toBe('failed');
    expect(g.upgrade).toMatchObject({ ran: true, figures: [{ from: A, to: B, restore: { kind: 'incompatible savepoint', reason: 'state-format', message }, downtimeMs: 40_000 }] });
    expect(formatGateSummary(g)).toContain(`upgrade ${A} -> ${B}: failed (incompatible savepoint: ${message})`);
  });

  test('a run without report: could not run, exit 3', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, baseline: run('b', [scenario({ name: 'p', version: A })]), candidate: null, upgrade: 'skipped' });
    expect(g.exitCode).toBe(GATE_EXIT.couldNotRun);
    expect(g.problems).toEqual([`the candidate run (Flink ${B}) wrote no report`]);
    expect(compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'p' }]), upgrade: null }).exitCode).toBe(3);
    expect(compareRuns({ baselineVersion: A, candidateVersion: B, baseline: run('b', []), candidate: run('c', []), upgrade: 'skipped' }).exitCode).toBe(3);
  });

  test('a scenario missing on one side makes the gate incomplete (3), unless a correctness regression decides (1)', () => {
    const missing = compareRuns({
      baselineVersion: A, candidateVersion: B,
      baseline: run('b', [scenario({ name: 'p', version: A }), scenario({ name: 'q', version: A, recoveries: [1_000] })]),
      candidate: run('c', [scenario({ name: 'q', version: B, recoveries: [9_000] })]),
      upgrade: 'skipped',
    });
    expect(missing.exitCode).toBe(3);
    expect(missing.summary.recoveryRegressions).toBe(1);
    expect(missing.problems).toContain('p: ran on the baseline, no result on the candidate');
    const decided = compareRuns({
      baselineVersion: A, candidateVersion: B,
      baseline: run('b', [scenario({ name: 'p', version: A }), scenario({ name: 'q', version: A })]),
      candidate: run('c', [scenario({ name: 'q', version: B, status: 'failed' })]),
      upgrade: 'skipped',
    });
    expect(decided.exitCode).toBe(1);
  });

  test('a report of another release than asked for is a problem (the version tag is checked)', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, baseline: run('b', [scenario({ name: 'p', version: A })]), candidate: run('c', [scenario({ name: 'p', version: A })]), upgrade: 'skipped' });
    expect(g.exitCode).toBe(3);
    expect(g.problems[0]).toContain(`the candidate report holds scenarios of another Flink release than ${B}: p (${A})`);
  });

  test('only the upgrade selected (both suites empty): its result decides', () => {
    const empty = { baseline: run('b', []), candidate: run('c', []) };
    expect(compareRuns({ baselineVersion: A, candidateVersion: B, ...empty, upgrade: upgradeRun('passed', restored) }).exitCode).toBe(0);
    expect(compareRuns({ baselineVersion: A, candidateVersion: B, ...empty, upgrade: upgradeRun('failed', { kind: 'job failed', message: 'x' }) }).exitCode).toBe(1);
  });

  test('skipped upgrade: "not run", no effect on the exit code', () => {
    const g = compareRuns({ baselineVersion: A, candidateVersion: B, ...both([{ name: 'p' }]), upgrade: 'skipped' });
    expect(g.summary.upgrade).toBe('not run');
    expect(g.exitCode).toBe(0);
  });
});

describe('scenarioFigures', () => {
  test('throughput, checkpoint sizes (checkpoints only, not savepoints), slowest recovery', () => {
    const f = scenarioFigures(scenario({ name: 'k', version: B, recoveries: [3_000, 7_000], checkpoints: [4_000, 9_000, 5_000] }));
    expect(f.inputEventsPerS).toBe(4_800);
    // 24 records between the first (2 s) and last (5 s) non-empty one-second buckets: 4 s.
    expect(f.outputRecordsPerS).toBe(6);
    expect(f.checkpoints).toEqual({ count: 3, maxBytes: 9_000, lastBytes: 5_000 });
    expect(f.recoveryMs).toBe(7_000);
    expect(f.outputCaughtUpMs).toBe(8_000);
    expect(f.faults).toBe(2);
  });

  test('no faults: recovery from extra.recoveryMs when the scenario measured one, else undefined', () => {
    expect(scenarioFigures(scenario({ name: 'k', version: B, extra: { recoveryMs: 1_234 } })).recoveryMs).toBe(1_234);
    expect(scenarioFigures(scenario({ name: 'k', version: B })).recoveryMs).toBeUndefined();
  });
});

describe('recoveryRegression', () => {
  const t = { recoveryRegressionPct: 50, recoveryMinDeltaMs: 2_000 };
  test.each([
    [5_000, 7_600, true],
    [5_000, 7_500, false],
    [1_000, 2_999, false],
    [0, 2_000, true],
    [null, 9_000, false],
    [5_000, null, true],
    [undefined, 5_000, false],
    [5_000, undefined, false],
  ] as const)('baseline %s, candidate %s -> regressed %s', (b, c, expected) => {
    expect(recoveryRegression(b, c, t).regressed).toBe(expected);
  });
});
