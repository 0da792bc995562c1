// What a run hands to the report writer: results as the scenarios settled
// them. The writer formats; it never re-judges.
import type { ScenarioOutcome } from '../assertions/outcome.js';
import type { CalibrationMatrix } from './calibration-matrix.js';
import type { SqlUpgradeTable } from './sql-upgrade-side-by-side.js';
import type { Verdict } from '../assertions/verdict.js';
import type { DerivedFigures } from '../history/derived.js';
import type { SerializedHistory } from '../history/serialize.js';
import type { History } from '../history/types.js';

export type ScenarioStatus = 'passed' | 'failed' | 'error' | 'inconclusive';

export const SCENARIO_STATUSES: readonly ScenarioStatus[] = ['passed', 'inconclusive', 'failed', 'error'];

export interface ScenarioResult {
  name: string;
  flinkVersion: string;
  /** inconclusive: every check held, but the evidence does not support a pass (see outcome). */
  status: ScenarioStatus;
  durationMs: number;
  /** pass / fail / inconclusive with reason codes: what the gate and campaigns read. */
  outcome?: ScenarioOutcome;
  verdict?: Verdict;
  history?: History;
  /** Why the scenario could not reach a verdict (status 'error'). */
  error?: string;
  /** Anything else worth keeping: screenshot and log paths, metrics. */
  extra?: Record<string, unknown>;
}

export interface RunReport {
  runId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms; defaults to the time the report is written. */
  finishedAt?: number;
  /** The settings that reproduce the run (config with env overrides applied). */
  settings: Record<string, unknown>;
  /** Extra versions to print (harness, images); node, vega and Flink are added. */
  versions?: Record<string, string>;
  scenarios: ScenarioResult[];
  /** The calibration suite's kill matrix (mutant x scenario), when the run had one. */
  calibration?: CalibrationMatrix;
}

/** report.json: the run as data, histories included, for tools and later diffing. */
export interface RunReportJson {
  runId: string;
  startedAt: number;
  finishedAt: number;
  wallTimeMs: number;
  settings: Record<string, unknown>;
  versions: Record<string, string>;
  scenarios: (Omit<ScenarioResult, 'history'> & { history?: SerializedHistory; derived?: DerivedFigures })[];
  calibration?: CalibrationMatrix;
  /** The SQL job's upgrades, plain SQL beside compiled plan (reports/sql-upgrade-side-by-side.ts), when the run had any. */
  sqlUpgrades?: SqlUpgradeTable;
}

/** The id of a scenario's section on the run page (the summary and other tables link to it). */
export const scenarioAnchor = (index: number, name: string) => `scenario-${index + 1}-${name.replace(/[^\w-]+/g, '-')}`;
