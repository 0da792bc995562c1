// One cell of the kill matrix: one build of the job (a mutant, or the real
// job as the control row) through one calibration scenario on a fresh
// cluster, classified from the oracle's verdict and the scenario's outcome,
// and written into <runDir>/calibration-matrix.json as it completes.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reason, ScenarioOutcome } from '../../assertions/outcome.js';
import type { Verdict } from '../../assertions/verdict.js';
import { CALIBRATION_MATRIX_FILE, REAL_JOB, renderCalibrationMatrix, type CalibrationCell, type CalibrationMatrix } from '../../reports/calibration-matrix.js';
import { CALIBRATION_BODIES } from './calibration-bodies.js';
import { CALIBRATION_SCENARIOS, MUTANTS, type CalibrationScenario, type Mutant } from './calibration-mutants.js';
import { runScenario, type HarnessRun } from './scenario.js';

export { REAL_JOB };

/** Reasons that say the run could not be judged, not that the job was wrong. */
const NOT_A_CATCH = new Set(['control.not-detected', 'scenario.assertion', 'scenario.error', 'oracle.not-judged']);

export interface CellRun {
  cell: CalibrationCell;
  /** What runScenario threw, to be rethrown for an error or an inconclusive run (vitest marks it skipped). */
  thrown?: unknown;
}

/** The codes that failed the run: the verdict's failures plus the outcome's own (fence, exactly-once end state, ...). */
export function catchCodes(verdict: Verdict | undefined, outcome: ScenarioOutcome | undefined): string[] {
  const codes = new Set<string>();
  for (const p of verdict?.problems ?? []) if (p.severity === 'failure') codes.add(`oracle.${p.kind}`);
  // A fence finding that caught a control is info in the outcome (the control passed), still a catch here.
  for (const r of (outcome?.reasons ?? []) as Reason[]) if ((r.effect === 'fail' || r.evidence?.caughtControl === true) && !NOT_A_CATCH.has(r.code)) codes.add(r.code);
  return [...codes].sort();
}

export function classifyCell(
  verdict: Verdict | undefined,
  outcome: ScenarioOutcome | undefined,
  thrown: unknown,
): Pick<CalibrationCell, 'status' | 'codes' | 'firstProblem' | 'note'> {
  const codes = catchCodes(verdict, outcome);
  const first = verdict?.problems.find((p) => p.severity === 'failure');
  const firstProblem = first ? JSON.stringify(first).slice(0, 300) : undefined;
  if (codes.length > 0) return { status: 'caught', codes, firstProblem };
  const message = thrown === undefined ? undefined : String((thrown as Error)?.message ?? thrown).split('\n')[0]!.slice(0, 300);
  if ((thrown as { code?: string })?.code === 'VITEST_PENDING' || outcome?.outcome === 'inconclusive') {
    return { status: 'inconclusive', codes, note: message ?? 'inconclusive' };
  }
  if (verdict === undefined) return { status: 'error', codes, note: message ?? 'no verdict' };
  if (verdict.ok) return { status: 'survived', codes, note: message };
  return { status: 'error', codes, note: message };
}

/**
 * Runs `mutant` (or the real job) through `scenario`. A designed catcher
 * judges as a negative control (expect 'fail': the report shows a survivor as
 * a failed control); other cells are recorded only (expect 'any'); the real
 * job must pass.
 */
export async function runCalibrationCell(run: HarnessRun, mutant: Mutant | undefined, scenario: CalibrationScenario, jobJar: string): Promise<CellRun> {
  const body = CALIBRATION_BODIES[scenario];
  const mutantName = mutant?.name ?? REAL_JOB;
  const designedToCatch = mutant?.catchers.includes(scenario) ?? false;
  const expect = mutant === undefined ? 'pass' : designedToCatch ? 'fail' : 'any';
  const images = { ...run.images, jobJar };
  const name = `calibration-${mutantName}-${scenario}`;
  const started = Date.now();
  let verdict: Verdict | undefined;
  let thrown: unknown;
  try {
    await runScenario(name, { ...body.options, images }, async (s) => {
      s.extra.calibration = { mutant: mutantName, scenario, designedToCatch, jobJar: path.basename(path.dirname(jobJar)) };
      verdict = await body.run(s, expect);
    });
  } catch (e) {
    thrown = e;
  }
  const resultFile = path.join(run.runDir, 'scenarios', `${name}-${images.release.version}`, 'result.json');
  const outcome = existsSync(resultFile)
    ? ((JSON.parse(await readFile(resultFile, 'utf8')) as { outcome?: ScenarioOutcome }).outcome)
    : undefined;
  const cell: CalibrationCell = {
    mutant: mutantName,
    scenario,
    designedToCatch,
    durationMs: Date.now() - started,
    flinkVersion: images.release.version,
    ...classifyCell(verdict, outcome, thrown),
  };
  await recordCell(run, cell);
  return { cell, thrown };
}

/** Adds (or replaces) one cell in the run's matrix file; the suite runs one cell at a time. */
export async function recordCell(run: HarnessRun, cell: CalibrationCell, mutants: readonly Mutant[] = MUTANTS): Promise<CalibrationMatrix> {
  const file = path.join(run.runDir, CALIBRATION_MATRIX_FILE);
  const matrix: CalibrationMatrix = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as CalibrationMatrix)
    : {
        tier: run.settings.tier,
        seed: run.settings.seed,
        mutants: mutants.map((m) => ({ name: m.name, description: m.description })),
        scenarios: [...CALIBRATION_SCENARIOS],
        cells: [],
      };
  // Several invocations may fill one run's matrix (a chunk of mutants each): nightly wins.
  if (run.settings.tier === 'nightly') matrix.tier = 'nightly';
  matrix.cells = [...matrix.cells.filter((c) => !(c.mutant === cell.mutant && c.scenario === cell.scenario)), cell];
  await writeFile(file, `${JSON.stringify(matrix, null, 2)}\n`);
  // Readable on its own too, until the run report embeds it.
  await writeFile(path.join(run.runDir, 'calibration-matrix.html'), `<!doctype html><meta charset="utf-8"><title>Calibration</title>${renderCalibrationMatrix(matrix).text}\n`);
  return matrix;
}
