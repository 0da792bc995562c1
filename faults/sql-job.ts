import path from 'node:path';
import type { SqlClientJars } from '../containers/images/sql-client-jars.js';
import { parseSqlJobId, parseSqlSavepointPath, SqlClient, type SqlClientResult } from '../containers/sql-client.js';
import { readSqlJobTemplate, sqlScript, SQL_JOB_NAME, stopJobScript, type SqlAction, type SqlJobSpec } from '../containers/sql-job.js';
import { recorded, type Testbed } from './context.js';
import { hostPathOf, submissionTarget, type StoppedWithSavepoint } from './job-operations.js';
import { resumeSubmitted, type RestoreOutcome } from './restore-outcome.js';

// The SQL Click Event Count's operations through the real SQL client, recorded
// like the `flink` CLI's (submit-job-*, stop-with-savepoint-*), so the fault
// evidence pairs a stop with its resume and the oracle's disturbances see them:
// submit (INSERT, COMPILE PLAN + EXECUTE PLAN, or EXECUTE PLAN of an older
// release's plan), STOP JOB ... WITH SAVEPOINT, resume (the restore path SET
// before the statement) with Flink's verdict on the savepoint.

export interface SqlTestbed extends Testbed {
  /** The jars of the cluster's current release (an upgrade swaps them with the release). */
  sqlJars: SqlClientJars;
}

const clients = new Map<string, SqlClient>();

/** The SQL client of the cluster's current client container (installed on first use). */
export async function sqlClientOf(tb: SqlTestbed): Promise<SqlClient> {
  const id = tb.cluster.client.id;
  let client = clients.get(id);
  if (!client || client.jars !== tb.sqlJars) {
    client = await SqlClient.install(tb.cluster.client, tb.sqlJars);
    clients.set(id, client);
  }
  return client;
}

export interface SqlSubmission {
  jobId: string;
  client: SqlClientResult;
}

export interface SqlSubmitOptions {
  action?: SqlAction;
  parallelism?: number;
  savepoint?: string;
  spec?: SqlJobSpec;
}

export class SqlClientFailed extends Error {
  constructor(
    readonly what: string,
    readonly result: SqlClientResult,
  ) {
    super(`${what} failed (exit ${result.exitCode}): ${(result.error ?? result.output.trim().split('\n').at(-1) ?? '').slice(0, 2_000)}`);
  }
}

/** Submits the SQL job with `sql-client.sh -f`; the job id is parsed from the client's output. */
export async function submitSqlJob(tb: SqlTestbed, options: SqlSubmitOptions = {}): Promise<SqlSubmission> {
  const action = options.action ?? { kind: 'insert' };
  const target = submissionTarget(`${SQL_JOB_NAME}${action.kind === 'insert' ? '' : ` (${action.kind} ${path.basename(action.planFile)})`}`, options);
  return recorded(
    tb,
    'operation',
    'submit-job-sql',
    target,
    async () => {
      const client = await sqlClientOf(tb);
      const script = sqlScript(readSqlJobTemplate(), options.spec ?? {}, { jars: client.connectorJars, action, parallelism: options.parallelism, savepoint: options.savepoint });
      const result = await client.run(action.kind, script);
      const jobId = parseSqlJobId(result.output);
      if (result.exitCode !== 0 || result.error || !jobId) throw new SqlClientFailed('sql-client.sh -f (submit)', result);
      return { jobId, client: result };
    },
    (s) => `job ${s.jobId}`,
  );
}

/** `STOP JOB '<id>' WITH SAVEPOINT` in the SQL client. */
export async function stopSqlJobWithSavepoint(tb: SqlTestbed, jobId: string): Promise<StoppedWithSavepoint> {
  return recorded(
    tb,
    'operation',
    'stop-with-savepoint-sql',
    `job ${jobId}`,
    async () => {
      const result = await (await sqlClientOf(tb)).run('stop-job', stopJobScript(jobId), 300_000);
      const location = parseSqlSavepointPath(result.output);
      if (result.exitCode !== 0 || result.error || !location) throw new SqlClientFailed('STOP JOB ... WITH SAVEPOINT', result);
      return { location, hostPath: hostPathOf(tb.cluster, location) };
    },
    (r) => r.location,
  );
}

/**
 * Resumes the SQL job from `savepoint` and waits for Flink's answer: restored
 * (as REST reports it), or an incompatible savepoint in Flink's own words,
 * whether the SQL client's submission failed or the job failed restoring.
 */
export async function resumeSqlJob(tb: SqlTestbed, savepoint: string, options: Omit<SqlSubmitOptions, 'savepoint'> & { timeoutMs?: number } = {}): Promise<RestoreOutcome> {
  return resumeSubmitted(
    tb,
    savepoint,
    async () => (await submitSqlJob(tb, { ...options, savepoint })).jobId,
    // The client's [ERROR] block is Flink's text; the rest of its output is its own.
    (e) => (e instanceof SqlClientFailed ? (e.result.error ?? e.result.output) : String((e as Error).message ?? e)),
    options.timeoutMs,
  );
}
