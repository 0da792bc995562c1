import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { summarizeMatrix, writeMatrixReport, type MatrixRun } from './gate-matrix.js';
import type { RunReportJson } from './run-report.js';
import { cellReplayCommand, expectationFor, formatGridOverview, gridMarkdown, upgradeCell, upgradeGrid, type UpgradeRun } from './upgrade-matrix.js';

type Kind = 'pass' | 'fail' | 'inconclusive' | 'incompatible' | 'error';
function report(from: string, to: string, kind: Kind): RunReportJson {
  const outcome = kind === 'incompatible' || kind === 'error' ? 'fail' : kind;
  const reasons =
    kind === 'pass'
      ? []
      : kind === 'inconclusive'
        ? [{ code: 'fence.not-drained', effect: 'inconclusive', message: 'x', evidence: [] }]
        : [{ code: kind === 'fail' ? 'oracle.wrong-count' : 'scenario.assertion', effect: 'fail', message: 'x', evidence: [] }];
  const scenario = {
    name: `upgrade-${from}-to-${to}`,
    flinkVersion: from,
    status: kind === 'pass' ? 'passed' : kind === 'inconclusive' ? 'inconclusive' : kind === 'error' ? 'error' : 'failed',
    durationMs: 95_000,
    outcome: { outcome, reasons },
    ...(kind === 'pass' || kind === 'inconclusive' ? {} : { error: 'AssertionError: expected restored\n  at stack' }),
    extra: {
      upgrade: { from, to },
      restore: kind === 'error' ? undefined : kind === 'incompatible' ? { kind: 'incompatible savepoint', reason: 'state-restore', message: 'java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint\nmore' } : { kind: 'restored' },
    },
  };
  return { runId: `r-${from}-${to}`, startedAt: 0, finishedAt: 1, wallTimeMs: 1, settings: {}, versions: {}, scenarios: [scenario as unknown as RunReportJson['scenarios'][number]] };
}
const cellRun = (from: string, to: string, kind: Kind | null): UpgradeRun => ({
  from,
  to,
  runId: `r-${from}-${to}`,
  report: kind ? report(from, to, kind) : null,
  vitestExitCode: kind === 'pass' ? 0 : 1,
  ...(kind ? { reportDir: `/out/reports/r-${from}-${to}` } : {}),
});

describe('the N x N upgrade matrix', () => {
  test('what Flink promises: forward only (an upgrade must pass, a downgrade may be refused)', () => {
    expect(expectationFor('1.20.3', '2.2.1')).toBe('pass');
    expect(expectationFor('2.2.1', '1.20.3')).toBe('pass or incompatible');
    expect(expectationFor('2.10.0', '2.9.1')).toBe('pass or incompatible');
  });

  test('a cell: Flink\'s refusal is incompatible (a regression only upward), a wrong output is a fail both ways, inconclusive never a pass', () => {
    expect(upgradeCell(cellRun('1.20.3', '2.2.1', 'pass'))).toMatchObject({ outcome: 'pass', regression: false });
    expect(upgradeCell(cellRun('2.2.1', '1.20.3', 'incompatible'))).toMatchObject({ outcome: 'incompatible', regression: false, why: 'state-restore: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint' });
    expect(upgradeCell(cellRun('1.20.3', '2.2.1', 'incompatible'))).toMatchObject({ outcome: 'incompatible', regression: true });
    expect(upgradeCell(cellRun('2.2.1', '1.20.3', 'fail'))).toMatchObject({ outcome: 'fail', regression: true, why: 'oracle.wrong-count' });
    expect(upgradeCell(cellRun('2.2.1', '1.20.3', 'inconclusive'))).toMatchObject({ outcome: 'inconclusive', regression: false, why: 'fence.not-drained' });
    // status error: the scenario reached no verdict (e.g. KafkaJSBrokerNotFound while the cluster came up).
    expect(upgradeCell(cellRun('2.2.1', '1.20.3', 'error'))).toMatchObject({ outcome: 'inconclusive', regression: false, why: 'scenario.error: AssertionError: expected restored' });
    expect(upgradeCell(cellRun('1.20.3', '2.2.1', null))).toMatchObject({ outcome: 'not run', regression: false, why: 'the run wrote no report (vitest exit 1)' });
  });

  test('property: every off-diagonal pair is one cell; the exit code follows the worst cell; only fail or a refused upgrade regress', () => {
    const releases = ['1.20.3', '2.0.2', '2.1.3', '2.2.1', '2.3.0'];
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.array(fc.constantFrom<Kind | null>('pass', 'fail', 'inconclusive', 'incompatible', 'error', null), { minLength: 20, maxLength: 20 }), (n, kinds) => {
        const versions = releases.slice(0, n).reverse();
        const runs: UpgradeRun[] = [];
        let i = 0;
        for (const f of versions) for (const t of versions) if (f !== t) runs.push(cellRun(f, t, kinds[i++]!));
        const grid = upgradeGrid(versions, runs);
        expect(grid.versions).toEqual(releases.slice(0, n));
        const cells = Object.values(grid.cells).flatMap((r) => Object.values(r));
        expect(cells).toHaveLength(n * (n - 1));
        for (const c of cells) {
          const up = releases.indexOf(c.from) < releases.indexOf(c.to);
          expect(c.regression).toBe(c.outcome === 'fail' || (c.outcome === 'incompatible' && up));
          if (kinds[runs.findIndex((r) => r.from === c.from && r.to === c.to)] === 'error') expect(c.outcome).toBe('inconclusive');
          expect(c.replay).toContain(`HARNESS_UPGRADE_FROM=${c.from} HARNESS_UPGRADE_TO=${c.to}`);
        }
        const worst = cells.some((c) => c.regression) ? 1 : cells.some((c) => c.outcome === 'not run') ? 3 : cells.some((c) => c.outcome === 'inconclusive') ? 4 : 0;
        expect(grid.exitCode).toBe(worst);
      }),
      { numRuns: 200 },
    );
  });

  test('a missing pair is a cell "not run"; a distribution is ordered by the version it carries', () => {
    const versionOf = (v: string) => (v === 'dist:/tmp/rc' ? '2.3.0' : v);
    const grid = upgradeGrid(['dist:/tmp/rc', '2.2.1'], [cellRun('2.2.1', 'dist:/tmp/rc', 'pass')], {}, versionOf);
    expect(grid.versions).toEqual(['2.2.1', 'dist:/tmp/rc']);
    expect(grid.cells['2.2.1']!['dist:/tmp/rc']).toMatchObject({ outcome: 'pass', expected: 'pass' });
    expect(grid.cells['dist:/tmp/rc']!['2.2.1']).toMatchObject({ outcome: 'not run', expected: 'pass or incompatible' });
    expect(grid.exitCode).toBe(3);
  });

  test('the replay command reruns one cell with the settings it ran under, quoted for a shell', () => {
    expect(cellReplayCommand('2.2.1', '1.20.3', { HARNESS_SEED: '7', KAFKA_CONNECTOR_VERSIONS: '2.3.0=5.0.0-2.2' })).toBe(
      "HARNESS_SEED=7 KAFKA_CONNECTOR_VERSIONS=2.3.0=5.0.0-2.2 FLINK_VERSION=1.20.3 HARNESS_UPGRADE_FROM=2.2.1 HARNESS_UPGRADE_TO=1.20.3 npx vitest run --project cluster scenarios/upgrade.test.ts -t ': a savepoint of '",
    );
  });

  test('overview and markdown name each regression with its replay; the page puts the overview first and links every cell to its run', async () => {
    const runs: MatrixRun[] = [
      ['1.20.3', '2.2.1', 'pass'],
      ['2.2.1', '1.20.3', 'fail'],
    ].map(([from, to, kind]) => ({ kind: 'upgrade', from, flinkVersion: to!, runId: `r-${from}-${to}`, vitestExitCode: 1, reportDir: `/m/reports/r-${from}-${to}`, report: report(from!, to!, kind as Kind) }));
    const summary = summarizeMatrix(runs, { versions: ['1.20.3', '2.2.1'], env: { HARNESS_SEED: '1' } });
    expect(summary.exitCode).toBe(1);
    const text = formatGridOverview(summary.grid!);
    expect(text).toContain('2 cells: 1 pass, 0 incompatible, 1 fail');
    expect(text).toContain('[regression] 2.2.1 -> 1.20.3: fail (expected pass or incompatible): oracle.wrong-count');
    expect(gridMarkdown(summary.grid!)).toBe(['| from \\ to | 1.20.3 | 2.2.1 |', '|---|---|---|', '| **1.20.3** | – | pass · 95 s |', '| **2.2.1** | fail (regression) · 95 s | – |'].join('\n'));
    const dir = await mkdtemp(path.join(tmpdir(), 'matrix-'));
    const files = await writeMatrixReport(path.join(dir, 'matrix', 'm'), { matrixId: 'm', startedAt: 0, finishedAt: 1, settings: {}, runs, summary });
    const page = await readFile(files.html, 'utf8');
    expect(page.indexOf('id="overview"')).toBeLessThan(page.indexOf('class="grid"'));
    expect(page).toContain('Overview: 1 regression(s) in 2 upgrade cells');
    expect(page).toContain(`href="${path.relative(path.join(dir, 'matrix', 'm'), '/m/reports/r-2.2.1-1.20.3')}/index.html"`);
    expect(page).toContain('FLINK_VERSION=1.20.3 HARNESS_UPGRADE_FROM=2.2.1 HARNESS_UPGRADE_TO=1.20.3');
    // A refused downgrade fails its test, yet is what Flink allows: no regression, exit 0.
    const refused = summarizeMatrix(
      [{ kind: 'upgrade', from: '2.2.1', flinkVersion: '1.20.3', runId: 'x', vitestExitCode: 1, reportDir: '/x', report: report('2.2.1', '1.20.3', 'incompatible') }, { ...runs[0]! }],
      { versions: ['1.20.3', '2.2.1'] },
    );
    expect(refused.exitCode).toBe(0);
  });
});
