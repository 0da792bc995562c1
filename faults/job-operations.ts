import path from 'node:path';
import { CHECKPOINTS_DIR, SAVEPOINTS_DIR, type Cluster } from '../containers/cluster.js';
import type { CliResult } from '../containers/flink-cli.js';
import type { JobDetails } from '../containers/flink-rest.js';
import { programArgs, type ArgValues, type JobSpec } from '../config/job-spec.js';
import { restoreModeCliArgs, restoreModeRestField, savepointFormatCliArgs, savepointFormatRestField } from '../containers/profiles/flink-options.js';
import { releaseCapabilities, type ReleaseCapabilities } from '../containers/profiles/profile.js';
import { StopWaiting, waitFor } from '../containers/wait.js';
import { recorded, type Testbed } from './context.js';

export type Via = 'cli' | 'rest';

/** The job's name (ClickEventCount.JOB_NAME): how an unanswered POST /jars/<id>/run finds the job it started. */
export const JOB_NAME = 'Click Event Count';

export interface Submission {
  jobId: string;
  via: Via;
  /** The CLI's own output, when submitted through the CLI. */
  cli?: CliResult;
}

/**
 * How a submission is named in the history: the stop-with-savepoint evidence
 * rule pairs a resume with its stop by the savepoint's folder name in it.
 */
export function submissionTarget(name: string, options: { savepoint?: string; parallelism?: number } = {}): string {
  return `${name}${options.savepoint ? ` from ${path.basename(options.savepoint)}` : ''}${options.parallelism ? ` p=${options.parallelism}` : ''}`;
}

/**
 * Submits the job (optionally from a savepoint, with a parallelism) through
 * the `flink` CLI or REST. A declared job's spec brings its entry class, name
 * and argument template; `values` fill the template's placeholders (a
 * reference run's consumer group).
 */
export async function submitJob(
  tb: Testbed,
  spec: JobSpec,
  options: { via?: Via; savepoint?: string; parallelism?: number; values?: Partial<ArgValues> } = {},
): Promise<Submission> {
  const via = options.via ?? 'cli';
  const jobName = spec.jobName ?? JOB_NAME;
  const target = submissionTarget(jobName, options);
  return recorded(
    tb,
    'operation',
    `submit-job-${via}`,
    target,
    async () => {
      const args = programArgs(spec, undefined, { ...(options.parallelism ? { parallelism: String(options.parallelism) } : {}), ...options.values });
      const p = tb.profile;
      let submission: Submission;
      if (via === 'cli') {
        const restoreArgs = cliRestoreArgs(tb);
        const cli = await tb.cluster.cli.submit(args, { savepoint: options.savepoint, parallelism: options.parallelism, restoreArgs, entryClass: spec.entryClass });
        if (cli.exitCode !== 0 || !cli.jobId) {
          throw new Error(`flink run failed (exit ${cli.exitCode}):\n${cli.stdout.slice(-2_000)}\n${cli.stderr.slice(-2_000)}`);
        }
        submission = { jobId: cli.jobId, via, cli };
      } else {
        const jarId = await tb.cluster.rest.uploadJar(tb.cluster.spec.jobJar);
        const jobId = await tb.cluster.rest.runJar(jarId, {
          programArgs: args,
          savepointPath: options.savepoint,
          parallelism: options.parallelism,
          jobName,
          entryClass: spec.entryClass,
          ...(p ? { restoreFields: restoreModeRestField(p.profile.restoreMode, runningRelease(tb)) } : {}),
        });
        submission = { jobId, via };
      }
      if (options.savepoint) recordResume(tb, submission.jobId, options.savepoint);
      return submission;
    },
    (s) => `job ${s.jobId}`,
  );
}

/**
 * `flink run -s` arguments for the run's restore mode. Every CLI submission
 * from a snapshot must pass them: without `-claimMode` the 2.x CLI restores
 * NO_CLAIM whatever the cluster's configuration says (it sets the job's
 * claim mode itself), so a CLAIM profile would silently run NO_CLAIM.
 */
export function cliRestoreArgs(tb: Testbed): string[] {
  return tb.profile ? restoreModeCliArgs(tb.profile.profile.restoreMode, runningRelease(tb)) : [];
}

/** The release the cluster runs now (an upgrade replaces it mid-run), for its flag names; else the profile's. */
function runningRelease(tb: Testbed): ReleaseCapabilities {
  try {
    return releaseCapabilities(tb.cluster.spec.flinkVersion);
  } catch {
    return tb.profile!.release;
  }
}

/** A job the harness resumed from a snapshot: its restore mode is read back and judged (profile-verification.ts). */
export function recordResume(tb: Testbed, jobId: string, savepoint: string): void {
  tb.resumes?.push({ jobId, location: savepoint, hostPath: hostPathOf(tb.cluster, savepoint) });
}

export interface StoppedWithSavepoint {
  /** As Flink reports it, e.g. file:/tmp/flink-savepoints-directory/savepoint-... */
  location: string;
  /** The same folder on the harness's host. */
  hostPath: string;
  cli?: CliResult;
}

/** Stop with savepoint: `flink stop <id>` or `POST /jobs/<id>/stop {"drain": false}` then poll the trigger. */
export async function stopWithSavepoint(tb: Testbed, jobId: string, via: Via = 'cli'): Promise<StoppedWithSavepoint> {
  return recorded(
    tb,
    'operation',
    `stop-with-savepoint-${via}`,
    `job ${jobId}`,
    async () => {
      if (via === 'cli') {
        const cli = await tb.cluster.cli.stop(jobId, undefined, tb.profile ? savepointFormatCliArgs(tb.profile.profile.savepointFormat) : []);
        if (cli.exitCode !== 0 || !cli.savepointPath) {
          throw new Error(`flink stop failed (exit ${cli.exitCode}):\n${cli.stdout.slice(-2_000)}\n${cli.stderr.slice(-2_000)}`);
        }
        return { location: cli.savepointPath, hostPath: hostPathOf(tb.cluster, cli.savepointPath), cli };
      }
      const trigger = await tb.cluster.rest.stopWithSavepoint(jobId, { drain: false, ...(tb.profile ? savepointFormatRestField(tb.profile.profile.savepointFormat) : {}) });
      const location = await waitFor(
        `savepoint ${trigger} of job ${jobId} to complete`,
        async (seen) => {
          const op = await tb.cluster.rest.savepointStatus(jobId, trigger);
          seen(op.status.id);
          if (op.status.id !== 'COMPLETED') return undefined;
          const failure = op.operation?.['failure-cause'];
          if (failure) throw new SavepointFailed(failure['stack-trace'] ?? failure.class);
          return op.operation?.location;
        },
        { timeoutMs: 120_000, diagnose: () => tb.cluster.diagnose(jobId) },
      );
      return { location, hostPath: hostPathOf(tb.cluster, location) };
    },
    (r) => r.location,
  );
}

export class SavepointFailed extends StopWaiting {}

/** What a stop with savepoint came to when a fault ran during it: the savepoint, or Flink's failure. */
export type StopUnderFault = { completed: true; location: string; hostPath: string } | { completed: false; failure: string };

/**
 * Stop with savepoint (REST: the trigger returns at once) and run `fault`
 * while Flink takes the savepoint; then wait for the operation's end. A
 * failure is a result here, not an error: the caller asserts what Flink did next.
 */
export async function stopWithSavepointDuring(tb: Testbed, jobId: string, fault: () => Promise<unknown>, timeoutMs = 120_000): Promise<StopUnderFault> {
  const name = 'stop-with-savepoint-rest';
  const target = `job ${jobId}`;
  const trigger = await tb.cluster.rest.stopWithSavepoint(jobId, { drain: false, ...(tb.profile ? savepointFormatRestField(tb.profile.profile.savepointFormat) : {}) });
  tb.history.operation(name, target, 'invoke');
  await fault();
  const op = await waitFor(`savepoint ${trigger} of job ${jobId} to end`, async (seen) => {
    const o = await tb.cluster.rest.savepointStatus(jobId, trigger);
    seen(o.status.id);
    return o.status.id === 'COMPLETED' ? o : undefined;
  }, { timeoutMs, diagnose: () => tb.cluster.diagnose(jobId) });
  const failure = op.operation?.['failure-cause'];
  const location = op.operation?.location;
  if (failure || !location) {
    const why = failure ? failure.class : 'no savepoint location';
    tb.history.operation(name, target, 'fail', why);
    return { completed: false, failure: why };
  }
  tb.history.operation(name, target, 'ok', location);
  return { completed: true, location, hostPath: hostPathOf(tb.cluster, location) };
}

/** Cancel (no savepoint): PATCH /jobs/<id>?mode=cancel, sent once; with retention on cancellation its latest checkpoint stays. */
export const cancelJob = (tb: Testbed, jobId: string) => recorded(tb, 'operation', 'cancel-job', `job ${jobId}`, () => tb.cluster.rest.cancel(jobId));

/**
 * Adaptive scheduler: rescale the running job in place to `parallelism`
 * (every vertex's upper bound; lower bound 1), through
 * PUT /jobs/<id>/resource-requirements. No savepoint, same job id: Flink
 * restarts it from its latest checkpoint at the new parallelism, once slots allow.
 */
export async function rescaleInPlace(tb: Testbed, jobId: string, parallelism: number): Promise<void> {
  await recorded(tb, 'operation', 'rescale-adaptive', `job ${jobId} to p=${parallelism}`, async () => {
    const current = await tb.cluster.rest.resourceRequirements(jobId);
    const wanted = Object.fromEntries(Object.keys(current).map((v) => [v, { parallelism: { lowerBound: 1, upperBound: parallelism } }]));
    await tb.cluster.rest.setResourceRequirements(jobId, wanted);
  });
}

/**
 * Waits until Flink's restore count for the job passes `count` and returns
 * what it restored: after a fault the job may still look RUNNING before
 * Flink notices, so RUNNING says nothing about the restore it must make.
 */
export async function waitForRestore(tb: Testbed, jobId: string, count: number, what: string, timeoutMs = 120_000) {
  return waitFor(`job ${jobId} to restore ${what}`, async (seen) => {
    const stats = await tb.cluster.rest.checkpoints(jobId);
    seen(`${stats.counts.restored} restore(s), latest ${stats.latest.restored?.id ?? 'none'}`);
    return stats.counts.restored > count && stats.latest.restored ? stats.latest.restored : undefined;
  }, { timeoutMs, diagnose: () => tb.cluster.diagnose(jobId) });
}

/** Waits until the job is RUNNING with all tasks RUNNING (bounded, with diagnostics). */
export const waitForJobRunning = (tb: Testbed, jobId: string, timeoutMs = 120_000) =>
  tb.cluster.waitForJobRunning(jobId, { timeoutMs });

/** file:/tmp/flink-savepoints-directory/x -> <storage>/savepoints/x; a retained checkpoint's folder likewise. */
export function hostPathOf(cluster: Cluster, location: string): string {
  const inContainer = location.replace(/^file:(\/\/)?/, '');
  for (const [inFlink, onHost] of [[SAVEPOINTS_DIR, cluster.savepointsDir], [CHECKPOINTS_DIR, cluster.checkpointsDir]] as const) {
    const rel = path.relative(inFlink, inContainer);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(onHost, rel);
  }
  return inContainer;
}

/** Polls the job fast (every 20 ms) until `pred` holds: the lifecycle moments (deploying, restoring) last tens of milliseconds. */
export function whenJob(tb: Testbed, jobId: string, what: string, pred: (j: JobDetails) => boolean, timeoutMs = 30_000): Promise<JobDetails> {
  return waitFor(what, async (seen) => {
    const j = await tb.cluster.rest.job(jobId);
    seen(`${j.state} ${JSON.stringify(j['status-counts'])}`);
    return pred(j) ? j : undefined;
  }, { timeoutMs, intervalMs: 20, diagnose: () => tb.cluster.diagnose(jobId) });
}
