// The calibration suite's kill matrix (mutant x scenario), as the suite wrote
// it to <runDir>/calibration-matrix.json, made readable. A mutant that no
// scenario caught is a gap of the harness: shown first and in red, never
// folded into a total.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from './format.js';
import { html, type Html } from './html.js';

export const CALIBRATION_MATRIX_FILE = 'calibration-matrix.json';
/** The control row's name: the real job, which every scenario must pass. */
export const REAL_JOB = 'real-job';

/**
 * caught: the scenario's outcome failed on the mutant (problem codes say how);
 * survived: it passed; inconclusive: the evidence did not support a verdict;
 * error: the scenario could not run to a verdict.
 */
export type CellStatus = 'caught' | 'survived' | 'inconclusive' | 'error';

export interface CalibrationCell {
  mutant: string;
  scenario: string;
  status: CellStatus;
  /** Reason codes that failed the run, e.g. oracle.wrong-count, eos.lingering-transaction. */
  codes: string[];
  /** The first failure, one line. */
  firstProblem?: string;
  /** The catalogue says this scenario must catch the mutant. */
  designedToCatch: boolean;
  durationMs: number;
  flinkVersion: string;
  /** For error and inconclusive: why. */
  note?: string;
}

export interface CalibrationMatrix {
  tier: 'smoke' | 'nightly';
  seed: number;
  mutants: { name: string; description: string }[];
  scenarios: string[];
  cells: CalibrationCell[];
}

export interface MutantSummary {
  mutant: string;
  caughtBy: string[];
  /** Ran through at least one scenario and no scenario caught it. */
  gap: boolean;
  /** Designed catchers that let it through (a weaker gap: another scenario may have caught it). */
  missedBy: string[];
}

export function summarize(m: CalibrationMatrix): MutantSummary[] {
  return m.mutants.map(({ name }) => {
    const cells = m.cells.filter((c) => c.mutant === name);
    const caughtBy = cells.filter((c) => c.status === 'caught').map((c) => c.scenario);
    return {
      mutant: name,
      caughtBy,
      gap: cells.length > 0 && caughtBy.length === 0,
      missedBy: cells.filter((c) => c.designedToCatch && c.status !== 'caught').map((c) => c.scenario),
    };
  });
}

/** Reads the matrix the calibration suite wrote into a run's folder; undefined when the run had no calibration. */
export async function readCalibrationMatrix(runDir: string): Promise<CalibrationMatrix | undefined> {
  try {
    return JSON.parse(await readFile(path.join(runDir, CALIBRATION_MATRIX_FILE), 'utf8')) as CalibrationMatrix;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const LABEL: Record<CellStatus, string> = { caught: 'caught', survived: 'survived', inconclusive: 'inconclusive', error: 'error' };

function cell(c: CalibrationCell | undefined): Html {
  if (!c) return html`<td class="cal-none">not run</td>`;
  const title = [c.firstProblem, c.note].filter(Boolean).join('\n');
  const control = c.mutant === REAL_JOB;
  // A survivor is red where it had to be caught; elsewhere it is what the design expects.
  const cls = control
    ? c.status === 'survived' ? 'cal-caught' : 'cal-survived'
    : c.status === 'survived' && !c.designedToCatch ? 'cal-expected' : `cal-${c.status}`;
  const label = control ? (c.status === 'survived' ? 'passed' : c.status === 'caught' ? 'FALSE ALARM' : c.status) : LABEL[c.status];
  return html`<td class="${cls}" title="${title}">
    <strong>${label}</strong>${c.designedToCatch ? html` <span class="cal-mark" title="designed to catch">&#9733;</span>` : ''}
    ${c.codes.length ? html`<br><code>${c.codes.join(', ')}</code>` : ''}
    <br><small>${formatDuration(c.durationMs)}</small></td>`;
}

/** The matrix as an HTML section (a table, mutants as rows, scenarios as columns), for the run report. */
export function renderCalibrationMatrix(m: CalibrationMatrix): Html {
  const summaries = summarize(m);
  const gaps = summaries.filter((s) => s.gap);
  const at = (mutant: string, scenario: string) => m.cells.find((c) => c.mutant === mutant && c.scenario === scenario);
  return html`<section class="calibration">
  <h2>Calibration: mutant kill matrix</h2>
  <p>Tier ${m.tier}, seed ${m.seed}. A mutant is a deliberately broken build of the job; each cell is one scenario on a fresh
  cluster with that build. &#9733; marks the scenarios designed to catch it.</p>
  ${gaps.length
    ? html`<p class="cal-gap"><strong>Gap${gaps.length > 1 ? 's' : ''}: ${gaps.map((g) => g.mutant).join(', ')}</strong> survived every scenario it ran through.</p>`
    : ''}
  <table class="calibration-matrix">
    <thead><tr><th>mutant</th>${m.scenarios.map((s) => html`<th>${s}</th>`)}<th>verdict</th></tr></thead>
    <tbody>${m.mutants.map(({ name, description }) => {
      const s = summaries.find((x) => x.mutant === name)!;
      const ran = m.cells.some((c) => c.mutant === name);
      const verdict = !ran ? 'not run' : s.gap ? 'GAP: survived' : `caught by ${s.caughtBy.join(', ')}`;
      return html`<tr><th title="${description}">${name}</th>${m.scenarios.map((sc) => cell(at(name, sc)))}<td class="${s.gap ? 'cal-survived' : ''}">${verdict}</td></tr>`;
    })}${m.cells.some((c) => c.mutant === REAL_JOB)
      ? html`<tr><th title="the real job: every scenario must pass it, or its catches prove nothing">real job (control)</th>${m.scenarios.map((sc) => cell(at(REAL_JOB, sc)))}<td>${
          m.cells.filter((c) => c.mutant === REAL_JOB).every((c) => c.status === 'survived') ? 'passed everywhere' : 'NOT CLEAN'
        }</td></tr>`
      : ''}</tbody>
  </table>
  <style>
    .calibration-matrix td, .calibration-matrix th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
    .cal-caught { background: #e5f5e0; } .cal-survived { background: #fde0dd; } .cal-inconclusive { background: #fff7bc; }
    .cal-error { background: #f0f0f0; } .cal-expected { background: #f7f7f7; } .cal-none { color: #999; } .cal-gap { color: #b30000; }
  </style>
</section>`;
}
