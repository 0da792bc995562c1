import path from 'node:path';
import type { CliResult } from '../containers/flink-cli.js';
import { allTasksRunning, FlinkRestError, taskCounts, type FlinkRest } from '../containers/flink-rest.js';
import { programArgs, type JobSpec } from '../config/job-spec.js';
import { waitFor, WaitTimeout } from '../containers/wait.js';
import { classifyRestoreFailure, describeClassification } from '../history/restore-failure.js';
import type { FailureSource, RestoreOutcome } from '../history/restore-outcome.js';
import { recorded, type Testbed } from './context.js';
import { cliRestoreArgs, JOB_NAME, recordResume, submissionTarget, submitJob, type Via } from './job-operations.js';

export { sameSavepoint, type FailureSource, type RestoreOutcome } from '../history/restore-outcome.js';

export interface ResumeOptions {
  via?: Via;
  parallelism?: number;
  /** Bound for the job to run restored or to fail (default 180 s). */
  timeoutMs?: number;
}

/**
 * Submits `spec` from `savepoint` and waits until the job either runs with
 * every task RUNNING and Flink reports the savepoint as restored, or fails to
 * restore. A failure to restore (the job FAILED at JobMaster start, or tasks
 * failing while they restore state and the job restarting over and over) is
 * returned as an `incompatible savepoint` outcome quoting Flink's message;
 * other failures as `job failed`. Throws only for harness trouble (REST gone,
 * a wait that saw no failure at all).
 */
export async function resumeFromSavepoint(tb: Testbed, spec: JobSpec, savepoint: string, options: ResumeOptions = {}): Promise<RestoreOutcome> {
  const via = options.via ?? 'cli';
  return resumeSubmitted(
    tb,
    savepoint,
    async () => (via === 'cli' ? submitWithCli(tb, spec, savepoint, options.parallelism) : (await submitJob(tb, spec, { via, savepoint, parallelism: options.parallelism })).jobId),
    // Flink 1.20 and 2.x restore the savepoint's metadata while the CLI or REST
    // call waits: a failed submission's full output is Flink's message.
    (e) => (e instanceof CliSubmitFailed ? `${e.cli.stdout}\n${e.cli.stderr}` : e instanceof FlinkRestError ? e.body : String((e as Error).message ?? e)),
    options.timeoutMs,
  );
}

/**
 * The wait of resumeFromSavepoint for any way of submitting a job from a
 * savepoint (the `flink` CLI, REST, the SQL client): `submit` returns the job
 * id or throws; `failureText` turns its error into Flink's text to classify.
 */
export async function resumeSubmitted(
  tb: Testbed,
  savepoint: string,
  submit: () => Promise<string>,
  failureText: (e: unknown) => string,
  timeoutMs = 180_000,
): Promise<RestoreOutcome> {
  const started = Date.now();
  let jobId: string;
  try {
    jobId = await submit();
  } catch (e) {
    return { ...classifyRestoreFailure(failureText(e)), savepoint, source: 'cli' };
  }
  return recorded(
    tb,
    'operation',
    'restore-from-savepoint',
    `job ${jobId} from ${savepoint}`,
    async (): Promise<RestoreOutcome> => {
      const outcome = await awaitRestore(tb, jobId, savepoint, started, timeoutMs);
      // A job that cannot restore keeps restarting and holds its slots: cancel it.
      if (outcome.kind !== 'restored') outcome.cancelled = await cancelUnlessEnded(tb, jobId);
      return outcome;
    },
    (o) => (o.kind === 'restored' ? `restored ${o.restoredPath}` : describeClassification(o).slice(0, 300)),
  );
}

async function awaitRestore(tb: Testbed, jobId: string, savepoint: string, started: number, timeoutMs: number): Promise<RestoreOutcome> {
  const rest = () => tb.cluster.rest;
  try {
    return await waitFor<RestoreOutcome>(
      `job ${jobId} to run restored from ${savepoint}, or to fail restoring it`,
      async (seen) => {
        const job = await rest().job(jobId);
        const failure = await failureOf(rest(), jobId, job.state);
        if (failure?.classification.kind === 'incompatible savepoint' || (failure && isTerminal(job.state))) {
          return { ...failure.classification, jobId, savepoint, source: failure.source };
        }
        if (isTerminal(job.state)) {
          return { kind: 'job failed', message: `job ended ${job.state} with no failure cause`, exception: '', jobId, savepoint, source: 'execution result' };
        }
        seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}${failure ? `, last failure: ${failure.classification.message}` : ''}`);
        if (!allTasksRunning(job)) return undefined;
        const restored = (await rest().checkpoints(jobId)).latest.restored;
        if (!restored) {
          seen(`job RUNNING, but Flink reports no restored checkpoint yet`);
          return undefined;
        }
        return {
          kind: 'restored',
          jobId,
          savepoint,
          restoredPath: restored.external_path,
          restoredIsSavepoint: restored.is_savepoint,
          msToRunning: Date.now() - started,
        };
      },
      { timeoutMs, intervalMs: 500, diagnose: () => tb.cluster.diagnose(jobId) },
    );
  } catch (e) {
    // The job neither ran nor ended: if it kept failing, its last failure is the answer.
    if (!(e instanceof WaitTimeout)) throw e;
    const failure = await failureOf(rest(), jobId, 'RUNNING').catch(() => undefined);
    if (!failure) throw e;
    return { ...failure.classification, jobId, savepoint, source: failure.source };
  }
}

/** Cancels the job unless it already ended; true when it had to. Bounded; never throws. */
async function cancelUnlessEnded(tb: Testbed, jobId: string): Promise<boolean> {
  try {
    const job = await tb.cluster.rest.job(jobId);
    if (isTerminal(job.state)) return false;
    await tb.cluster.rest.cancel(jobId);
    await waitFor(
      `job ${jobId} to be cancelled`,
      async () => (isTerminal((await tb.cluster.rest.job(jobId)).state) ? true : undefined),
      { timeoutMs: 60_000, diagnose: () => tb.cluster.diagnose(jobId) },
    );
    return true;
  } catch {
    return false;
  }
}

class CliSubmitFailed extends Error {
  constructor(readonly cli: CliResult) {
    super(`flink run failed (exit ${cli.exitCode}): ${lastLine(cli.stdout + cli.stderr)}`);
  }
}

/** `flink run -d -s <savepoint>`, keeping the CLI's whole output (submitJob keeps only its tail). */
async function submitWithCli(tb: Testbed, spec: JobSpec, savepoint: string, parallelism?: number): Promise<string> {
  const target = submissionTarget(JOB_NAME, { savepoint, parallelism });
  return recorded(
    tb,
    'operation',
    'submit-job-cli',
    target,
    async () => {
      const cli = await tb.cluster.cli.submit(programArgs(spec), { savepoint, parallelism, restoreArgs: cliRestoreArgs(tb) });
      if (cli.exitCode !== 0 || !cli.jobId) throw new CliSubmitFailed(cli);
      recordResume(tb, cli.jobId, savepoint);
      return cli.jobId;
    },
    (id) => `job ${id}`,
  );
}

const lastLine = (text: string) => text.trim().split('\n').filter((l) => !/^\s*at\s/.test(l) && !/^\s*\.\.\./.test(l)).at(-1) ?? '';

const isTerminal = (state: string) => state === 'FAILED' || state === 'CANCELED' || state === 'FINISHED';

/**
 * The job's most telling failure so far: a restore failure anywhere in its
 * exception history wins; else, once it ended, the execution result's cause;
 * else the newest exception.
 */
async function failureOf(
  rest: FlinkRest,
  jobId: string,
  state: string,
): Promise<{ classification: ReturnType<typeof classifyRestoreFailure>; source: FailureSource } | undefined> {
  const texts: { text: string; source: FailureSource }[] = [];
  const ex = await rest.exceptions(jobId).catch(() => undefined);
  for (const entry of ex?.exceptionHistory?.entries ?? []) texts.push({ text: entry.stacktrace, source: 'exception history' });
  if (ex?.['root-exception']) texts.push({ text: ex['root-exception'], source: 'exception history' });
  if (isTerminal(state)) {
    const result = await rest.executionResult(jobId).catch(() => undefined);
    const cause = result?.['job-execution-result']?.['failure-cause'];
    if (cause?.['stack-trace']) texts.unshift({ text: cause['stack-trace'], source: 'execution result' });
  }
  const classified = texts.filter((t) => t.text?.trim()).map((t) => ({ classification: classifyRestoreFailure(t.text), source: t.source }));
  return classified.find((c) => c.classification.kind === 'incompatible savepoint') ?? classified[0];
}
