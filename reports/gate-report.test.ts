import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareRuns } from './gate-comparison.js';
import { summarizeMatrix, writeMatrixReport, type MatrixRun } from './gate-matrix.js';
import { gatePage, writeGateReport } from './gate-report.js';
import type { RunReportJson } from './run-report.js';

const scenario = (name: string, flinkVersion: string, status: 'passed' | 'failed' | 'error' = 'passed', extra: Record<string, unknown> = {}) =>
  ({ name, flinkVersion, status, durationMs: 1_000, extra, ...(status === 'passed' ? {} : { error: `AssertionError: <b>${name}</b> broke\nstack` }) }) as RunReportJson['scenarios'][number];
const run = (runId: string, scenarios: RunReportJson['scenarios']): RunReportJson => ({ runId, startedAt: 0, finishedAt: 1, wallTimeMs: 1, settings: {}, versions: {}, scenarios });

describe('gate report', () => {
  const message = 'java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6 <&>';
  const comparison = compareRuns({
    baselineVersion: '1.20.3',
    candidateVersion: '2.2.1',
    baseline: run('b', [scenario('playground', '1.20.3')]),
    candidate: run('c', [scenario('playground', '2.2.1', 'failed')]),
    upgrade: run('u', [scenario('upgrade-1.20.3-to-2.2.1', '1.20.3', 'failed', { upgrade: { from: '1.20.3', to: '2.2.1' }, restore: { kind: 'incompatible savepoint', reason: 'state-format', message } })]),
  });

  test('the page names the verdict, the regression and the incompatible savepoint with Flink\'s message, escaped', () => {
    const page = gatePage({ gateId: 'g', startedAt: 0, finishedAt: 60_000, settings: { seed: 1 }, comparison, runs: { baseline: 'b', candidate: 'c' } });
    expect(page).toContain('<title>Gate 1.20.3 → 2.2.1: correctness regression (exit 1)</title>');
    expect(page).toContain('<code>correctness-regression</code> playground: passes on 1.20.3, failed on 2.2.1: AssertionError: &#60;b&#62;playground&#60;/b&#62; broke');
    expect(page).toContain('<strong>incompatible savepoint</strong> (state-format)<br><code>java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6 &#60;&#38;&#62;</code>');
    expect(page).toContain('<a href="b/index.html">baseline 1.20.3</a>');
    expect(page).not.toContain('<b>playground</b>');
  });

  test('gate.json holds the comparison with run folders relative to it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gate-'));
    const files = await writeGateReport(path.join(dir, 'gate', 'g'), { gateId: 'g', startedAt: 0, finishedAt: 1, settings: {}, comparison, runs: { baseline: path.join(dir, 'reports', 'b') } });
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    expect(json.comparison.exitCode).toBe(1);
    expect(json.runs.baseline).toBe(path.join('..', '..', 'reports', 'b'));
    expect(await readFile(files.html, 'utf8')).toContain('exit 1');
  });
});

describe('version matrix', () => {
  const suite = (v: string, report: RunReportJson | null): MatrixRun => ({ kind: 'suite', flinkVersion: v, runId: `m-${v}`, vitestExitCode: report ? 0 : 1, report, ...(report ? { reportDir: `/out/reports/m-${v}` } : {}) });

  test('cells per scenario and release, upgrades apart; exit 0 when everything passed', () => {
    const s = summarizeMatrix([
      suite('1.20.3', run('a', [scenario('playground', '1.20.3'), scenario('exactly-once', '1.20.3')])),
      suite('2.2.1', run('b', [scenario('playground', '2.2.1'), scenario('exactly-once', '2.2.1')])),
      { kind: 'upgrade', from: '1.20.3', flinkVersion: '2.2.1', runId: 'u', vitestExitCode: 0, report: run('u', [scenario('upgrade-1.20.3-to-2.2.1', '1.20.3', 'passed', { restore: { kind: 'restored' } })]) },
    ]);
    expect(s.versions).toEqual(['1.20.3', '2.2.1']);
    expect(s.scenarios).toEqual(['playground', 'exactly-once']);
    expect(s.cells.playground!['2.2.1']).toMatchObject({ status: 'passed' });
    expect(s.upgrades).toEqual([{ from: '1.20.3', to: '2.2.1', scenario: 'upgrade-1.20.3-to-2.2.1', status: 'passed', restore: 'restored' }]);
    expect(s.exitCode).toBe(0);
  });

  test('a failure anywhere: 1; a run without report: 3; a result tagged with another release: a problem', () => {
    expect(summarizeMatrix([suite('2.2.1', run('b', [scenario('playground', '2.2.1', 'failed')]))]).exitCode).toBe(1);
    const missing = summarizeMatrix([suite('1.20.3', null), suite('2.2.1', run('b', [scenario('playground', '2.2.1')]))]);
    expect(missing.exitCode).toBe(3);
    expect(missing.problems[0]).toContain('Flink 1.20.3: run m-1.20.3 wrote no report');
    expect(summarizeMatrix([suite('2.2.1', run('b', [scenario('playground', '1.20.3')]))]).problems[0]).toContain('holds playground tagged 1.20.3');
  });

  test('the writer keeps reports out of matrix.json and links each release to its run report', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'matrix-'));
    const runs = [suite('2.2.1', run('b', [scenario('playground', '2.2.1')]))];
    const files = await writeMatrixReport(dir, { matrixId: 'm', startedAt: 0, finishedAt: 1, settings: {}, runs, summary: summarizeMatrix(runs) });
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    expect(json.runs[0].report).toBeUndefined();
    expect(await readFile(files.html, 'utf8')).toContain('index.html">2.2.1</a>');
  });
});
