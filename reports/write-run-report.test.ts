import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { judge } from '../assertions/oracle.js';
import { historyFromJson } from '../history/serialize.js';
import type { RunReportJson } from './run-report.js';
import { SAMPLE_POLICY, sampleRun } from './sample-run.js';
import { defaultReportDir, writeRunReport } from './write-run-report.js';

let dir: string;
let page: string;
let json: RunReportJson;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'run-report-'));
  const run = sampleRun();
  const sample = run.scenarios[0];
  const lossy = { ...sample.history!, scenario: 'lossy', output: sample.history!.output.slice(1) };
  run.scenarios.push(
    {
      name: 'lossy',
      flinkVersion: '1.20.3',
      status: 'failed',
      durationMs: 61_000,
      verdict: judge(lossy.ledger, lossy.output, SAMPLE_POLICY),
      history: lossy,
      extra: { screenshot: path.join(dir, 'shots', 'job graph.png'), logs: ['logs/jobmanager.log'], url: 'javascript:alert(1)' },
    },
    { name: 'stop-with-savepoint', flinkVersion: '2.1.1', status: 'error', durationMs: 120_000, error: 'timed out <script>alert(1)</script>\nsaw RESTARTING' },
  );
  const written = await writeRunReport(dir, run);
  page = await readFile(written.html, 'utf8');
  json = JSON.parse(await readFile(written.json, 'utf8'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeRunReport', () => {
  test('prints the summary first (a row per scenario with its outcome), then the settings', () => {
    expect(page.indexOf('<h2>Summary</h2>')).toBeLessThan(page.indexOf('<h2>Settings</h2>'));
    expect(page).toContain('<th>checkpointIntervalMs</th><td><code>2000</code>');
    expect(page).toContain('1 passed, 0 inconclusive, 1 failed, 1 error');
    expect(page).toMatch(/<a href="#scenario-1-taskmanager-kill">taskmanager-kill<\/a>[\s\S]*?ok: 0 failure\(s\), 3 tolerated, 8 info[\s\S]*?11\.2 s \/ 12\.7 s/);
    expect(page).toMatch(/FAILED: 1 failure\(s\)/);
  });

  test('embeds the charts as inline SVG in the chosen font', () => {
    const svgs = page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(5); // recovery overview + (rate, heat map) for two scenarios
    expect(svgs.every((s) => s.includes('font-family="DejaVu Sans, sans-serif"'))).toBe(true);
    expect(page).toContain('Output records per second: taskmanager-kill');
    expect(page).toContain('Counts per window and page: lossy');
    expect(page).toContain('Recovery time per fault');
  });

  test('lists problems with where they sit in the output topic', () => {
    expect(page).toMatch(/<td>missing<\/td><td>missing window 1764086340000 .*page &#34;\/help&#34;/);
    expect(page).toContain('p0@6, p0@9');
  });

  test('escapes everything it did not render itself', () => {
    expect(page).not.toContain('<script>');
    expect(page).toContain('timed out &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page).toContain('<a href="shots/job%20graph.png">');
    expect(page).toContain('<a href="logs/jobmanager.log">logs/jobmanager.log</a>');
    expect(page).not.toContain('href="javascript');
  });

  test('report.json holds verdicts, histories and derived figures', () => {
    expect(json.runId).toBe('sample');
    expect(json.wallTimeMs).toBe(71_000);
    expect(json.versions).toMatchObject({ flink: '2.1.1, 1.20.3', 'vega-lite': '6.4.3' });
    const [sample, lossy, errored] = json.scenarios;
    expect(sample.verdict?.ok).toBe(true);
    expect(sample.derived?.recoveries[0]).toMatchObject({ runningAfterMs: 11_200, outputCaughtUpMs: 12_700 });
    expect(historyFromJson(sample.history).output).toHaveLength(39);
    expect(lossy.verdict?.summary.byKind.missing).toBe(1);
    expect(errored).toMatchObject({ status: 'error', error: expect.stringContaining('timed out') });
    expect(errored.history).toBeUndefined();
  });

  test('defaults to out/reports/<runId>', () => {
    expect(defaultReportDir('2025-11-25/a b')).toBe(path.join('out', 'reports', '2025-11-25_a_b'));
  });
});
