import { beforeAll, describe, expect, inject, test } from 'vitest';
import { cacheDir } from '../config/settings.js';
import { ensureJobJar, jarEntries, MUTANT_ENTRY } from '../containers/images/job-jar.js';
import type { CalibrationCell } from '../reports/calibration-matrix.js';
import { runCalibrationCell } from './harness/calibration-cell.js';
import { CALIBRATION_SCENARIOS, calibrationPlan, type Mutant } from './harness/calibration-mutants.js';

// Calibration: deliberately broken builds of the job (mutants, job/src/mutants/)
// run through short scenarios; the harness is trusted only as far as it
// catches them. A mutant is caught when a scenario's verdict fails on it; a
// mutant no scenario catches is a gap of the harness, and its test fails.
// Nightly: every mutant x scenario, plus the real job through every scenario
// (it must pass: a scenario that fails the real job proves nothing by failing
// a mutant). Smoke: one mutant drawn from the run's seed, through the
// scenarios designed to catch it, until one does (about 1-2 min; the rest are
// skipped as not needed). The kill matrix goes to
// <runDir>/calibration-matrix.json (reports/calibration-matrix.ts renders it).

const run = inject('harness');
const plan = calibrationPlan(run.settings.tier, run.settings.seed);

test('the default job jar holds no mutant', async () => {
  const entries = await jarEntries(run.images.jobJar);
  expect(entries.filter((e) => MUTANT_ENTRY.test(e))).toEqual([]);
  expect(entries).toContain('org/apache/flink/playgrounds/ops/clickcount/ClickEventCount.class');
});

function mutantSuite(mutant: Mutant, scenarios: readonly (typeof CALIBRATION_SCENARIOS)[number][]): void {
  describe(`mutant ${mutant.name}`, () => {
    let jar = '';
    const cells: CalibrationCell[] = [];
    beforeAll(async () => {
      jar = await ensureJobJar(cacheDir(run.settings), run.images.release, { mutant: mutant.name });
    });
    for (const scenario of scenarios) {
      test(`${scenario}${mutant.catchers.includes(scenario) ? ' (designed to catch it)' : ''}`, async (ctx) => {
        const caught = cells.find((c) => c.status === 'caught');
        if (run.settings.tier === 'smoke' && caught) ctx.skip(`smoke tier: already caught by ${caught.scenario}`);
        const { cell, thrown } = await runCalibrationCell(run, mutant, scenario, jar);
        cells.push(cell);
        // An error or an inconclusive run is not a result: the test says so (failed / skipped).
        if (cell.status === 'error' || cell.status === 'inconclusive') throw thrown ?? new Error(cell.note);
      });
    }
    test('is caught by at least one scenario', () => {
      const caught = cells.filter((c) => c.status === 'caught');
      const seen = cells.map((c) => `${c.scenario}: ${c.status}${c.codes.length ? ` (${c.codes.join(', ')})` : ''}${c.note ? ` - ${c.note}` : ''}`);
      expect(caught.length, `GAP: mutant ${mutant.name} survived every scenario it ran through:\n${seen.join('\n')}`).toBeGreaterThan(0);
    });
  });
}

describe('calibration: every mutant is caught', () => {
  for (const { mutant, scenarios } of plan) mutantSuite(mutant, scenarios);

  describe.runIf(run.settings.tier === 'nightly')('the real job (control row: every scenario passes it)', () => {
    for (const scenario of CALIBRATION_SCENARIOS) {
      test(scenario, async () => {
        const { cell, thrown } = await runCalibrationCell(run, undefined, scenario, run.images.jobJar);
        if (cell.status !== 'survived') throw thrown ?? new Error(`the real job was ${cell.status} by ${scenario}: ${cell.codes.join(', ')} ${cell.firstProblem ?? ''}`);
      });
    }
  });
});
