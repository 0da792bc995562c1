// Runs cluster scenario files in a vitest child process for one Flink
// release, with its own run id, and reads back the run report it wrote. The
// version matrix (bin/matrix.ts) and the gate (bin/gate.ts) are built on it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../../config/harness-error.js';
import { REPO_ROOT } from '../../config/settings.js';
import type { RunReportJson } from '../../reports/run-report.js';

/** The scenario file that crosses releases: run once per pair, never per release. */
export const UPGRADE_SCENARIO = 'upgrade';

/**
 * Scenario names (file names in scenarios/ without .test.ts) matching
 * `pattern`: a comma-separated list of globs (`*`, `?`, `{a,b}`), e.g.
 * "playground,upgrade", "exactly-*", "{playground,upgrade}". No pattern: all.
 */
export function selectScenarios(pattern: string | undefined, available: readonly string[]): string[] {
  if (!pattern?.trim()) return [...available];
  const globs = splitTopLevel(pattern).map((g) => g.trim()).filter(Boolean);
  const regexes = globs.map(globToRegExp);
  const selected = available.filter((name) => regexes.some((r) => r.test(name) || r.test(`scenarios/${name}.test.ts`)));
  if (selected.length === 0) {
    throw new HarnessError(`--scenarios '${pattern}' matches no scenario.`, `Use names or globs of: ${available.join(', ')} (comma-separated, e.g. 'playground,upgrade').`);
  }
  return selected;
}

/** A glob as an anchored RegExp: `*` any run of characters, `?` one, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '{') {
      depth++;
      out += '(?:';
    } else if (ch === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (ch === ',' && depth > 0) out += '|';
    else out += ch.replace(/[.+^$()|[\]\\/]/g, '\\$&');
  }
  if (depth !== 0) throw new HarnessError(`Unbalanced braces in the scenario glob '${glob}'.`, `Close every '{' with '}', e.g. '{playground,upgrade}'.`);
  return new RegExp(`^${out}$`);
}

/** "a,{b,c},d" -> ["a", "{b,c}", "d"]: commas inside braces belong to the glob. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

export const scenarioFile = (name: string) => `scenarios/${name}.test.ts`;

export interface SuiteRun {
  /** HARNESS_RUN_ID of the child run: its report is out/reports/<runId>/. */
  runId: string;
  flinkVersion: string;
  scenarios: string[];
  /** Extra environment (HARNESS_TIER, HARNESS_SEED, HARNESS_UPGRADE_FROM, ...). */
  env?: Record<string, string>;
  /** Only the tests whose name matches (vitest -t), e.g. one test of the upgrade scenario. */
  testNamePattern?: string;
  /**
   * A lock file held (flock) for this run alone, so runs that share one Docker
   * engine take turns run by run, and another user's run may come between two.
   */
  lock?: string;
}

export interface SuiteResult {
  runId: string;
  flinkVersion: string;
  /** vitest's exit code (non-zero when a scenario failed, too). */
  exitCode: number;
  reportDir: string;
  /** null when the run wrote no report (it could not start, or no scenario ran). */
  report: RunReportJson | null;
  wallTimeMs: number;
}

/** Runs `npx vitest run --project cluster <files>` with FLINK_VERSION and HARNESS_RUN_ID set, output to this terminal. */
export async function runSuite(run: SuiteRun, outDir: string): Promise<SuiteResult> {
  const started = Date.now();
  const env = { ...process.env, ...run.env, FLINK_VERSION: run.flinkVersion, HARNESS_RUN_ID: run.runId };
  const args = ['vitest', 'run', '--project', 'cluster', ...run.scenarios.map(scenarioFile), ...(run.testNamePattern ? ['-t', run.testNamePattern] : [])];
  process.stderr.write(`\n=== Flink ${run.flinkVersion}: ${run.scenarios.join(', ')} (run ${run.runId}) ===\n`);
  const [command, ...rest] = run.lock ? ['flock', run.lock, 'npx', ...args] : ['npx', ...args];
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(command!, rest, { cwd: REPO_ROOT, stdio: 'inherit', env });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const reportDir = path.join(outDir, 'reports', run.runId);
  return { runId: run.runId, flinkVersion: run.flinkVersion, exitCode, reportDir, report: await readRunReport(reportDir), wallTimeMs: Date.now() - started };
}

/** A run report from its folder or its report.json; null when there is none. */
export async function readRunReport(dirOrFile: string): Promise<RunReportJson | null> {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, 'report.json');
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as RunReportJson;
}
