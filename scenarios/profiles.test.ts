import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decide } from '../assertions/outcome.js';
import { profileReasons } from '../assertions/profile-applied.js';
import type { ProfileReadBack } from '../history/profile-read-back.js';
import { parseSavepointPath, parseSubmittedJobId } from '../containers/flink-cli.js';
import { PLAYGROUND_JOB, programArgs } from '../config/job-spec.js';
import { profiledFlinkProperties } from '../containers/profiles/cluster-properties.js';
import { restoreModeCliArgs, savepointFormatCliArgs } from '../containers/profiles/flink-options.js';
import { profileNamed, releaseCapabilities, type Profile } from '../containers/profiles/profile.js';
import { resolveProfile } from '../containers/profiles/resolve.js';
import { verifyProfileApplied } from './harness/profile-verification.js';
import { waitFor } from '../containers/wait.js';
import { recorded } from '../faults/context.js';
import { hostPathOf, waitForJobRunning } from '../faults/job-operations.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { harnessRun, runScenario, type Scenario } from './harness/scenario.js';
import { runVariants } from './harness/variant-draw.js';
import { waitForJobState } from './harness/job-lifecycle.js';
import { waitForCheckpointsAndOutput } from './harness/output-progress.js';

// Production profiles on a real cluster: the job runs under each profile's
// Flink options, the harness reads back what Flink applied (configuration,
// checkpoint configuration, checkpoint sizes and types, the JobManager's own
// log lines) and the profile rule judges it; the oracle judges the output.
// Smoke: `production` (RocksDB incremental + unaligned + adaptive + NO_CLAIM,
// stop with a native savepoint and resume) and `rocksdb-incremental` across
// a TaskManager kill. Nightly: one short run per other profile.

/** Event time 20x wall time: a window every 0.75 s, ~8000 events/s, so checkpoints every 1 s see state change. */
const SPEEDUP = 20;
const WINDOWS = 16;
const PHASE_1_WINDOWS = 8;
const nightly = harnessRun().settings.tier === 'nightly';

type Plan = { kill?: boolean; resume?: boolean };

/** `flink run -d [-s <snapshot> -claimMode <mode>]`: the real CLI, with the profile's restore mode. */
async function submitWithProfile(s: Scenario, profile: Profile, savepoint?: string): Promise<string> {
  const release = releaseCapabilities(s.images.release.version);
  const args = ['run', '-d', ...(savepoint ? ['-s', savepoint, ...restoreModeCliArgs(profile.restoreMode, release)] : []), s.cluster.cli.jarPath, ...programArgs(PLAYGROUND_JOB)];
  // The target names the savepoint as submitJob does, so the stop-with-savepoint evidence rule pairs the resume with its stop.
  return recorded(s, 'operation', 'submit-job-cli', `Click Event Count${savepoint ? ` from ${path.basename(savepoint)}` : ''}`, async () => {
    const r = await s.cluster.cli.run(args);
    const jobId = parseSubmittedJobId(r.stdout);
    if (r.exitCode !== 0 || !jobId) throw new Error(`flink ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.stdout.slice(-2_000)}\n${r.stderr.slice(-2_000)}`);
    return jobId;
  }, (id) => `job ${id}${savepoint ? ` (${profile.restoreMode})` : ''}`);
}

/** `flink stop --type <format>`: stop with a savepoint in the profile's format. */
async function stopWithProfile(s: Scenario, profile: Profile, jobId: string): Promise<{ location: string; hostPath: string; stdout: string }> {
  return recorded(s, 'operation', 'stop-with-savepoint-cli', `job ${jobId} (${profile.savepointFormat})`, async () => {
    const r = await s.cluster.cli.run(['stop', ...savepointFormatCliArgs(profile.savepointFormat), jobId], 300_000);
    const location = parseSavepointPath(r.stdout);
    if (r.exitCode !== 0 || !location) throw new Error(`flink stop failed (exit ${r.exitCode}):\n${r.stdout.slice(-2_000)}\n${r.stderr.slice(-2_000)}`);
    return { location, hostPath: hostPathOf(s.cluster, location), stdout: r.stdout };
  }, (x) => x.location);
}

/** Waits until the job completed `n` checkpoints with an id above `afterId` (bounded, says what it saw). */
async function waitForCheckpointsAfter(s: Scenario, jobId: string, afterId: number, n: number): Promise<void> {
  await waitFor(
    `${n} completed checkpoint(s) of job ${jobId} after checkpoint ${afterId}`,
    async (seen) => {
      const stats = await s.cluster.rest.checkpoints(jobId);
      const latest = stats.latest.completed?.id ?? 0;
      seen(`latest completed checkpoint ${latest}, ${stats.counts.completed} completed, ${stats.counts.failed} failed`);
      return stats.counts.completed > 0 && latest >= afterId + n ? true : undefined;
    },
    { timeoutMs: 90_000, diagnose: () => s.cluster.diagnose(jobId) },
  );
}

/** The figures a person wants from a read-back: sizes, types, the settings Flink reported. */
function summarise(rb: ProfileReadBack): Record<string, unknown> {
  const cc = rb.checkpointConfig ?? {};
  return {
    jobId: rb.jobId,
    stateBackend: cc.state_backend,
    unaligned: cc.unaligned_checkpoints,
    alignedTimeoutMs: cc.aligned_checkpoint_timeout,
    intervalMs: cc.interval,
    changelog: cc.state_changelog_enabled,
    scheduler: rb.clusterConfig['jobmanager.scheduler'] ?? 'default (not set)',
    schedulerInLog: rb.schedulerInLog,
    savepointFormatsInLog: rb.savepointFormatsInLog,
    resumedFrom: rb.resumedFrom,
    checkpoints: rb.checkpoints.filter((c) => c.status === 'COMPLETED').map((c) => `${c.id} ${c.checkpointType} ${c.checkpointedSize}/${c.stateSize}`),
  };
}

async function profileScenario(profileName: string, plan: Plan): Promise<void> {
  const run = harnessRun();
  const version = run.images.release.version;
  const { profile, release, teamConf } = resolveProfile(run.settings, version, profileName);
  await runScenario(`profile-${profile.name}`, { flinkProperties: profiledFlinkProperties({ profile, release, teamConf }) }, async (s) => {
    s.extra.profile = profile;
    if (teamConf) s.extra.flinkConfWarnings = teamConf.warnings;
    const readBacks: Record<string, unknown>[] = [];
    const first = await submitWithProfile(s, profile);
    await waitForJobRunning(s, first);
    const generator = s.generator({ mode: 'paced', speedup: SPEEDUP, windows: WINDOWS, ...(plan.resume ? { pauseAfterWindows: [PHASE_1_WINDOWS] } : {}) }).start();
    await waitForCheckpointsAndOutput(s, first, 5);

    if (plan.kill) {
      const before = (await s.cluster.rest.checkpoints(first)).latest.completed?.id ?? 0;
      await killTaskManager(s);
      await startTaskManager(s);
      await waitForJobRunning(s, first);
      // Incremental checkpoints go on after the failover's restore (from the job's own checkpoint).
      await waitForCheckpointsAfter(s, first, before, 3);
    }
    const one = await verifyProfileApplied(s, profile, first);
    readBacks.push(summarise(one.readBack));

    if (plan.resume) {
      await generator.paused();
      const stopped = await stopWithProfile(s, profile, first);
      s.extra.stopOutput = stopped.stdout;
      await waitForJobState(s.cluster, first, 'FINISHED');
      // The stopped job's statistics still answer (2.2.1): its checkpoints, the final SYNC_SAVEPOINT, and the JobManager's format line.
      const stoppedRb = await verifyProfileApplied(s, profile, first);
      readBacks.push(summarise(stoppedRb.readBack));
      const second = await submitWithProfile(s, profile, stopped.location);
      await waitForJobRunning(s, second);
      generator.resume();
      const restoredId = (await s.cluster.rest.checkpoints(second)).latest.restored?.id ?? 0;
      // Two checkpoints after the restore: the first one (full under NO_CLAIM), and one that subsumes it (CLAIM deletes the savepoint).
      await waitForCheckpointsAfter(s, second, restoredId, 3);
      const two = await verifyProfileApplied(s, profile, second, { resumedFrom: stopped });
      readBacks.push(summarise(two.readBack));
    }
    s.extra.profileReadBacks = readBacks;

    await generator.done();
    expect(await s.settle(120_000), 'every settled window x page in output').toBe(true);
    const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
    expect(verdict.ok, verdict.problems?.slice(0, 3).map((p) => JSON.stringify(p)).join('\n')).toBe(true);

    // The profile rule on this run's history: every read-back must show the profile applied.
    const reasons = profileReasons({ events: s.history.events }, profile);
    s.extra.profileReasons = reasons;
    expect(reasons.filter((r) => r.effect !== 'info'), 'profile reasons').toEqual([]);
    expect(decide(reasons).outcome).toBe('pass');
    // Negative control, same read-backs: judged against a profile the cluster did not run, the rule fails.
    const other = profileNamed(profile.stateBackend === 'hashmap' ? 'rocksdb-incremental' : 'playground');
    const control = profileReasons({ events: s.history.events }, other);
    expect(control.some((r) => r.code === 'profile.not-applied' && r.evidence?.setting === 'state backend'), `judged as '${other.name}'`).toBe(true);
  });
}

// Smoke: one of the two, drawn by seed; nightly: both, and a run per profile.
const smokeRuns = runVariants('profiles', ['production', 'rocksdb-incremental']);

describe('production profiles, verified as applied', () => {
  test.runIf(smokeRuns.has('production'))('production: RocksDB incremental, unaligned, adaptive scheduler; stop with a native savepoint, resume NO_CLAIM', async () => {
    await profileScenario('production', { resume: true });
  });

  test.runIf(smokeRuns.has('rocksdb-incremental'))('rocksdb-incremental: incremental checkpoints before and after a TaskManager is killed and started again', async () => {
    await profileScenario('rocksdb-incremental', { kill: true });
  });

  describe.runIf(nightly)('nightly: one run per profile', () => {
    test.each([
      ['playground', { resume: true }],
      ['unaligned', {}],
      ['adaptive', { kill: true }],
      ['no-claim', { resume: true }],
      ['claim', { resume: true }],
      ['rocksdb-full', {}],
      ['native-savepoint', { resume: true }],
      ['changelog', { resume: true }],
      ['forst', {}],
    ] as [string, Plan][])('%s', async (name, plan) => {
      if (name === 'forst' && releaseCapabilities(harnessRun().images.release.version).major < 2) return;
      await profileScenario(name, plan);
    });
  });
});
