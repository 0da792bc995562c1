import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RunReportJson, ScenarioResult, ScenarioStatus } from './run-report.js';
import { describeCell, renderSqlUpgradeTable, SQL_UPGRADE_MODES, sqlUpgradeMarkdown, sqlUpgradeTable, type SqlUpgradeMode } from './sql-upgrade-side-by-side.js';
import { writeRunReport } from './write-run-report.js';

const REFUSAL = 'java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6';

type Resume = 'restored' | 'incompatible savepoint' | 'job failed' | 'none';

/** A SQL upgrade scenario as sql-job.test.ts records it; resume 'none': it ended before B answered. */
function sqlScenario(mode: SqlUpgradeMode, from: string, to: string, resume: Resume, status: ScenarioStatus, outcome?: 'pass' | 'fail' | 'inconclusive'): ScenarioResult {
  const slug = mode === 'plain SQL' ? 'plain' : 'compiled-plan';
  return {
    name: `sql-upgrade-${slug}-${from}-to-${to}`,
    flinkVersion: from,
    status,
    durationMs: 91_000,
    ...(outcome ? { outcome: { outcome, reasons: [] } } : {}),
    ...(status === 'error' || status === 'failed' ? { error: 'KafkaJSBrokerNotFound: Broker -1 not found\n  at stack' } : {}),
    extra: {
      upgrade: { from, to, sql: mode },
      ...(resume === 'none'
        ? {}
        : { sqlUpgrade: { mode, from, to, outcome: resume, ...(resume === 'restored' ? {} : { reason: resume === 'job failed' ? undefined : 'state-format', message: `${REFUSAL}\nmore` }) } }),
    },
  };
}

const other: ScenarioResult = { name: 'sql-rescale', flinkVersion: '2.2.1', status: 'passed', durationMs: 1, outcome: { outcome: 'pass', reasons: [] }, extra: { upgrade: { from: '1.20.3', to: '2.2.1' } } };

describe('SQL upgrade: plain SQL vs compiled plan', () => {
  test('one row per pair; restored cells carry the verdict, refusals Flink\'s message, a missing mode "not run"', () => {
    const t = sqlUpgradeTable([
      other,
      sqlScenario('compiled plan', '1.20.3', '2.2.1', 'restored', 'passed', 'pass'),
      sqlScenario('plain SQL', '2.2.1', '1.20.3', 'incompatible savepoint', 'passed', 'pass'),
      sqlScenario('plain SQL', '1.20.3', '2.2.1', 'restored', 'inconclusive', 'inconclusive'),
    ]);
    expect(t.rows.map((r) => `${r.from} -> ${r.to}`)).toEqual(['1.20.3 -> 2.2.1', '2.2.1 -> 1.20.3']);
    const [up, down] = t.rows;
    expect(up!.cells['compiled plan'].attempts).toEqual([{ scenario: 'sql-upgrade-compiled-plan-1.20.3-to-2.2.1', anchor: 'scenario-2-sql-upgrade-compiled-plan-1-20-3-to-2-2-1', result: 'restored', verdict: 'pass', durationMs: 91_000 }]);
    expect(describeCell(up!.cells['plain SQL'])).toBe('restored · inconclusive');
    expect(describeCell(down!.cells['plain SQL'])).toBe(`incompatible (state-format): ${REFUSAL} · scenario pass`);
    expect(describeCell(down!.cells['compiled plan'])).toBe('not run');
    expect(sqlUpgradeMarkdown(t)).toBe(
      [
        '| from -> to | plain SQL | compiled plan |',
        '|---|---|---|',
        '| 1.20.3 -> 2.2.1 | restored · inconclusive · 91 s | restored · pass · 91 s |',
        `| 2.2.1 -> 1.20.3 | incompatible (state-format): ${REFUSAL} · scenario pass · 91 s | not run |`,
      ].join('\n'),
    );
  });

  test('a scenario that errored is inconclusive, never a pass; one that ended before the resume still has its cell', () => {
    const t = sqlUpgradeTable([sqlScenario('plain SQL', '1.20.3', '2.2.1', 'restored', 'error', 'fail'), sqlScenario('compiled plan', '1.20.3', '2.2.1', 'none', 'error', 'fail')]);
    expect(describeCell(t.rows[0]!.cells['plain SQL'])).toBe('restored · inconclusive');
    expect(describeCell(t.rows[0]!.cells['compiled plan'])).toBe('no outcome · inconclusive: KafkaJSBrokerNotFound: Broker -1 not found');
    expect(sqlUpgradeTable([other]).rows).toEqual([]);
    expect(renderSqlUpgradeTable(sqlUpgradeTable([other]))).toBeUndefined();
  });

  test('property: every SQL upgrade scenario lands in exactly one cell, its own; a cell without one is "not run"; "pass" only for a restored scenario that passed', () => {
    const versions = ['1.20.3', '2.0.2', '2.2.1'];
    const scenario = fc
      .record({
        sql: fc.boolean(),
        mode: fc.constantFrom(...SQL_UPGRADE_MODES),
        from: fc.constantFrom(...versions),
        to: fc.constantFrom(...versions),
        resume: fc.constantFrom<Resume>('restored', 'incompatible savepoint', 'job failed', 'none'),
        status: fc.constantFrom<ScenarioStatus>('passed', 'failed', 'error', 'inconclusive'),
        outcome: fc.option(fc.constantFrom('pass' as const, 'fail' as const, 'inconclusive' as const), { nil: undefined }),
      })
      .map((g) => (g.sql ? sqlScenario(g.mode, g.from, g.to, g.resume, g.status, g.outcome) : { ...other, name: `other-${g.from}` }));
    fc.assert(
      fc.property(fc.array(scenario, { maxLength: 12 }), (scenarios) => {
        const t = sqlUpgradeTable(scenarios);
        const pairs = t.rows.map((r) => `${r.from} -> ${r.to}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        const placed = t.rows.flatMap((r) => SQL_UPGRADE_MODES.flatMap((m) => r.cells[m].attempts.map((a) => ({ a, r, m }))));
        const sql = scenarios.map((s, i) => ({ s, i })).filter(({ s }) => s.name.startsWith('sql-upgrade-'));
        expect(placed).toHaveLength(sql.length);
        for (const { s, i } of sql) {
          const u = s.extra!.upgrade as { from: string; to: string; sql: SqlUpgradeMode };
          const here = placed.filter((p) => p.a.anchor === `scenario-${i + 1}-${s.name.replace(/[^\w-]+/g, '-')}`);
          expect(here).toHaveLength(1);
          expect([here[0]!.r.from, here[0]!.r.to, here[0]!.m]).toEqual([u.from, u.to, u.sql]);
          const passed = s.status !== 'error' && s.outcome?.outcome === 'pass';
          if (here[0]!.a.verdict === 'pass') expect(passed).toBe(true);
        }
        for (const r of t.rows)
          for (const m of SQL_UPGRADE_MODES) {
            const c = r.cells[m];
            if (c.attempts.length === 0) expect(describeCell(c)).toBe('not run');
            if (describeCell(c).includes('restored · pass')) expect(c.attempts.some((a) => a.result === 'restored' && a.verdict === 'pass')).toBe(true);
          }
      }),
      { numRuns: 300 },
    );
  });

  test('the run report: the table in report.json and on the page, each cell linked to its scenario\'s section', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sql-upgrades-'));
    try {
      const written = await writeRunReport(dir, {
        runId: 'sql',
        startedAt: 0,
        finishedAt: 1,
        settings: {},
        scenarios: [sqlScenario('plain SQL', '1.20.3', '2.2.1', 'restored', 'passed', 'pass'), sqlScenario('plain SQL', '2.2.1', '1.20.3', 'incompatible savepoint', 'passed', 'pass')],
      });
      const json = JSON.parse(await readFile(written.json, 'utf8')) as RunReportJson;
      expect(json.sqlUpgrades?.rows.map((r) => [r.from, r.to, r.cells['plain SQL'].attempts[0]!.result, r.cells['compiled plan'].attempts.length])).toEqual([
        ['1.20.3', '2.2.1', 'restored', 0],
        ['2.2.1', '1.20.3', 'incompatible', 0],
      ]);
      const page = await readFile(written.html, 'utf8');
      expect(page.indexOf('<h2>Summary</h2>')).toBeLessThan(page.indexOf('SQL upgrade: plain SQL vs compiled plan'));
      expect(page).toContain('<a href="#scenario-2-sql-upgrade-plain-2-2-1-to-1-20-3">sql-upgrade-plain-2.2.1-to-1.20.3</a>');
      expect(page).toContain('id="scenario-2-sql-upgrade-plain-2-2-1-to-1-20-3"');
      expect(page).toContain(`<code>${REFUSAL}</code>`);
      expect(page).toMatch(/<td class="sqlu-none">not run<\/td>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
