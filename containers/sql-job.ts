import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/settings.js';

// The SQL Click Event Count (jobs/sql/click-event-count.sql) and the scripts
// the harness hands the real SQL client (`sql-client.sh -f`): the connector's
// jars (ADD JAR), the session's settings (SET), the job's tables, then one
// action: run the INSERT, compile it into a plan and run that, or run a plan
// compiled earlier (on another release: the compiled-plan upgrade path).

export const SQL_JOB_FILE = path.join(REPO_ROOT, 'jobs', 'sql', 'click-event-count.sql');
/** pipeline.name of the SQL job (its name in the Web UI and REST API). */
export const SQL_JOB_NAME = 'SQL Click Event Count';

export interface SqlJobSpec {
  bootstrapServers?: string;
  inputTopic?: string;
  outputTopic?: string;
  groupId?: string;
}

export type SqlAction =
  | { kind: 'insert' }
  /** COMPILE PLAN '<file>' FOR INSERT ..., then EXECUTE PLAN '<file>' (Flink 1.15+ streaming). */
  | { kind: 'compile-and-execute'; planFile: string }
  /** EXECUTE PLAN '<file>' of a plan compiled before (the tables are in the plan). */
  | { kind: 'execute-plan'; planFile: string };

export interface SqlScriptOptions {
  /** Jars in the client container that hold the Kafka SQL connector (ADD JAR). */
  jars: readonly string[];
  action: SqlAction;
  parallelism?: number;
  /** Resume from this savepoint (SET before the INSERT / EXECUTE PLAN). */
  savepoint?: string;
}

/** The restore path's key in 1.20 and 2.x (execution.savepoint.path is its deprecated name in both). */
export const RESTORE_PATH_KEY = 'execution.state-recovery.path';

/** The template's statements (comments dropped), filled in: every {{name}} must have a value, and every value must be used. */
export function sqlJobStatements(template: string, spec: SqlJobSpec = {}): string[] {
  const values: Record<string, string> = {
    'bootstrap.servers': spec.bootstrapServers ?? 'kafka:9092',
    'input.topic': spec.inputTopic ?? 'input',
    'output.topic': spec.outputTopic ?? 'output',
    'group.id': spec.groupId ?? 'sql-click-event-count',
  };
  const used = new Set<string>();
  const fill = (statement: string) => statement.replace(/\{\{([^}]*)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${path.basename(SQL_JOB_FILE)}: unknown placeholder {{${name}}} (known: ${Object.keys(values).join(', ')})`);
    if (/['\\]/.test(value)) throw new Error(`{{${name}}}: a quote or backslash in '${value}' would end the SQL string`);
    used.add(name);
    return value;
  });
  const statements = splitStatements(template).map(fill);
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`${path.basename(SQL_JOB_FILE)} does not use {{${unused.join('}}, {{')}}}`);
  return statements;
}

/** The whole script for `sql-client.sh -f`: one statement per line group, each ending in ';'. */
export function sqlScript(template: string, spec: SqlJobSpec, options: SqlScriptOptions): string {
  const statements = sqlJobStatements(template, spec);
  const insertAt = statements.findIndex((s) => /^INSERT\s+INTO\b/i.test(s));
  if (insertAt !== statements.length - 1) throw new Error(`${path.basename(SQL_JOB_FILE)} must end with its one INSERT INTO statement`);
  const ddl = statements.slice(0, insertAt);
  const insert = statements[insertAt]!;
  const out: string[] = options.jars.map((j) => `ADD JAR ${quote(j)}`);
  const set = (k: string, v: string) => out.push(`SET ${quote(k)} = ${quote(v)}`);
  set('execution.runtime-mode', 'streaming');
  // Submit to the session cluster of the client's configuration (rest.address).
  set('execution.target', 'remote');
  set('pipeline.name', SQL_JOB_NAME);
  set('table.local-time-zone', 'UTC');
  // One keyed window operator, as in the Java job (no local/global split of the aggregation).
  set('table.optimizer.agg-phase-strategy', 'ONE_PHASE');
  set('execution.checkpointing.interval', '1 s');
  if (options.parallelism !== undefined) set('parallelism.default', String(options.parallelism));
  const restore = () => {
    if (options.savepoint !== undefined) set(RESTORE_PATH_KEY, options.savepoint);
  };
  switch (options.action.kind) {
    case 'insert':
      restore();
      out.push(...ddl, insert);
      break;
    case 'compile-and-execute':
      out.push(...ddl, `COMPILE PLAN ${quote(options.action.planFile)} FOR ${insert}`);
      restore();
      out.push(`EXECUTE PLAN ${quote(options.action.planFile)}`);
      break;
    case 'execute-plan':
      restore();
      out.push(`EXECUTE PLAN ${quote(options.action.planFile)}`);
      break;
  }
  return `${out.map((s) => `${s};`).join('\n\n')}\n`;
}

/** `STOP JOB '<id>' WITH SAVEPOINT` (SQL client 1.17+), as a script of its own. */
export const stopJobScript = (jobId: string) => {
  if (!/^[0-9a-f]{32}$/.test(jobId)) throw new Error(`not a Flink job id: '${jobId}'`);
  return `SET 'execution.target' = 'remote';\n\nSTOP JOB '${jobId}' WITH SAVEPOINT;\n`;
};

export const readSqlJobTemplate = () => readFileSync(SQL_JOB_FILE, 'utf8');

/**
 * Statements of a SQL file without its comments: split at ';' outside quotes
 * and backticks, '--' comments dropped (also outside quotes).
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quoteChar: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quoteChar) {
      current += c;
      if (c === quoteChar) quoteChar = undefined;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      current += '\n';
      continue;
    }
    if (c === ';') {
      statements.push(current);
      current = '';
      continue;
    }
    if (c === "'" || c === '`') quoteChar = c;
    current += c;
  }
  statements.push(current);
  return statements.map((s) => s.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim()).join('\n').trim()).filter(Boolean);
}

/** A SQL string literal ('' doubles a quote). */
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
