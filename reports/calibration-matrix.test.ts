import { expect, test } from 'vitest';
import { renderCalibrationMatrix, summarize, type CalibrationCell, type CalibrationMatrix } from './calibration-matrix.js';

const cell = (mutant: string, scenario: string, status: CalibrationCell['status'], codes: string[] = [], designedToCatch = false): CalibrationCell => ({
  mutant,
  scenario,
  status,
  codes,
  designedToCatch,
  durationMs: 42_000,
  flinkVersion: '2.2.1',
});

const matrix: CalibrationMatrix = {
  tier: 'nightly',
  seed: 7,
  mutants: [
    { name: 'caught-one', description: 'd1' },
    { name: 'gap-one', description: 'd2 <b>' },
    { name: 'not-run', description: 'd3' },
  ],
  scenarios: ['fault-free', 'taskmanager-kill'],
  cells: [
    cell('caught-one', 'fault-free', 'survived'),
    cell('caught-one', 'taskmanager-kill', 'caught', ['oracle.wrong-count'], true),
    cell('gap-one', 'fault-free', 'survived', [], true),
    cell('gap-one', 'taskmanager-kill', 'error'),
    cell('real-job', 'fault-free', 'caught', ['oracle.missing']),
  ],
};

test('a mutant no scenario caught is a gap; one not run is not', () => {
  expect(summarize(matrix)).toEqual([
    { mutant: 'caught-one', caughtBy: ['taskmanager-kill'], gap: false, missedBy: [] },
    { mutant: 'gap-one', caughtBy: [], gap: true, missedBy: ['fault-free'] },
    { mutant: 'not-run', caughtBy: [], gap: false, missedBy: [] },
  ]);
});

test('the table names the gap, the codes of each catch and escapes descriptions', () => {
  const out = renderCalibrationMatrix(matrix).text;
  expect(out).toContain('Gap: gap-one</strong> survived every scenario');
  expect(out).toContain('<code>oracle.wrong-count</code>');
  expect(out).toContain('caught by taskmanager-kill');
  expect(out).toContain('GAP: survived');
  expect(out).toContain('d2 &#60;b&#62;');
  expect(out.match(/<tr>/g)).toHaveLength(5);
  // The control row: the real job caught by a scenario is a false alarm, not a catch.
  expect(out).toContain('FALSE ALARM');
  expect(out).toContain('NOT CLEAN');
  // A survivor where none had to be caught is not shown as a gap.
  expect(out).toMatch(/class="cal-expected"[^>]*>\s*<strong>survived/);
  expect(out).toMatch(/class="cal-survived"[^>]*>\s*<strong>survived/);
  expect(out).toContain('not run');
});
