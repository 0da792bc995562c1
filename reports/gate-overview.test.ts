import { describe, expect, test } from 'vitest';
import { compareRuns } from './gate-comparison.js';
import { formatGateOverview, gateOverview, scenarioFileOf } from './gate-overview.js';
import { gatePage } from './gate-report.js';
import type { RunReportJson } from './run-report.js';

type Status = 'passed' | 'failed' | 'inconclusive';
const scenario = (name: string, flinkVersion: string, status: Status = 'passed', extra: Record<string, unknown> = {}) =>
  ({ name, flinkVersion, status, durationMs: 1_000, extra, ...(status === 'failed' ? { error: `AssertionError: ${name} broke\nstack` } : {}) }) as RunReportJson['scenarios'][number];
const run = (runId: string, scenarios: RunReportJson['scenarios']): RunReportJson => ({ runId, startedAt: 0, finishedAt: 1, wallTimeMs: 1, settings: {}, versions: {}, scenarios });
const settings = { baseline: '1.20.3', candidate: 'dist:/tmp/flink-2.3.0', seed: 42, tier: 'smoke', scenarios: ['failure-recovery', 'rescale', 'upgrade'], command: 'npm run gate -- --baseline 1.20.3 --candidate dist:/tmp/flink-2.3.0' };

describe('the gate overview', () => {
  test('a result name maps to its scenario file', () => {
    expect(scenarioFileOf('rescale', settings.scenarios)).toBe('rescale');
    expect(scenarioFileOf('upgrade-1.20.3-to-2.3.0', settings.scenarios)).toBe('upgrade');
    expect(scenarioFileOf('playground', settings.scenarios)).toBeUndefined();
  });

  test('names each regression, where, why and the command that replays it; a clean gate says so', () => {
    const comparison = compareRuns({
      baselineVersion: '1.20.3',
      candidateVersion: '2.3.0',
      baseline: run('b', [scenario('failure-recovery', '1.20.3'), scenario('rescale', '1.20.3')]),
      candidate: run('c', [scenario('failure-recovery', '2.3.0', 'failed'), scenario('rescale', '2.3.0', 'inconclusive')]),
      upgrade: run('u', [scenario('upgrade-1.20.3-to-2.3.0', '1.20.3', 'failed', { restore: { kind: 'incompatible savepoint', reason: 'state-format', message: 'java.lang.IllegalStateException: no\nmore' } })]),
    });
    const o = gateOverview(comparison, settings);
    expect(o.headline).toBe('2 regression(s) on 2.3.0 against 1.20.3');
    expect(o.items.map((i) => [i.what, i.where])).toEqual([
      ['correctness-regression', 'failure-recovery on 2.3.0'],
      ['inconclusive', 'rescale on 2.3.0'],
      ['upgrade-failed', 'upgrade 1.20.3 → 2.3.0'],
    ]);
    expect(o.items[0]!.replay).toBe('HARNESS_SEED=42 FLINK_VERSION=dist:/tmp/flink-2.3.0 HARNESS_TIER=smoke npx vitest run --project cluster scenarios/failure-recovery.test.ts');
    expect(o.items[2]!.why).toBe('upgrade-1.20.3-to-2.3.0: incompatible savepoint: java.lang.IllegalStateException: no (AssertionError: upgrade-1.20.3-to-2.3.0 broke)');
    expect(o.items[2]!.replay).toContain('HARNESS_UPGRADE_FROM=1.20.3 HARNESS_UPGRADE_TO=dist:/tmp/flink-2.3.0 npx vitest run --project cluster scenarios/upgrade.test.ts');
    expect(o.replayGate).toBe(`${settings.command} --seed 42`);
    expect(formatGateOverview(o)).toContain('[correctness-regression] failure-recovery on 2.3.0: failure-recovery: passes on 1.20.3, failed on 2.3.0');
    const page = gatePage({ gateId: 'g', startedAt: 0, finishedAt: 1, settings: {}, comparison, runs: {}, overview: o });
    expect(page.indexOf('id="overview"')).toBeLessThan(page.indexOf('<h2>Summary</h2>'));
    expect(page).toContain('scenarios/failure-recovery.test.ts');

    const clean = compareRuns({ baselineVersion: '1.20.3', candidateVersion: '2.3.0', baseline: run('b', [scenario('rescale', '1.20.3')]), candidate: run('c', [scenario('rescale', '2.3.0')]), upgrade: 'skipped' });
    const ok = gateOverview(clean, settings);
    expect(ok).toMatchObject({ headline: 'no regression: 2.3.0 holds every check 1.20.3 held', items: [] });
  });
});
