import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { FlinkRest, FlinkRestError } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import {
  awaitLeader, isolateJobManagerLeader, killJobManagerLeader, pauseJobManagerLeader, restartZooKeeper, startJobManager, unpauseJobManager, viaZooKeeperProxy,
} from '../faults/jobmanager.js';
import { recorded } from '../faults/context.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { waitForCheckpointsAndOutput } from './harness/output-progress.js';
import { harnessRun, runScenario, type Scenario } from './harness/scenario.js';

// JobManager high availability (ZooKeeper, two JobManagers, HA storage on the
// shared folder): the leader killed, frozen, or ZooKeeper restarted while the
// job runs with checkpoints. A standby (or the same JobManager, after a
// ZooKeeper restart) must take over, and the job come back under the same job
// id from its latest checkpoint, with every window right. Flink's exception
// history is empty after a JobManager failover (it lived in the JobManager that
// went): the evidence is the leader znode and the restore (assertions/jobmanager-evidence.ts).

const HA = { topology: { jobManagers: 2 as const } };
/** HA with each JobManager's ZooKeeper link through a proxy: the leader can be cut from ZooKeeper alone. */
const HA_ZOOKEEPER_PROXIED = { topology: { jobManagers: 2 as const, proxies: [{ from: 'jobmanager' as const, to: 'zookeeper' as const }] } };
/** Event time 20x wall time: a window every 0.75 s, so the failover spans many windows of input. */
const SPEEDUP = 20;
/** How long the leader stays frozen: past the 6 s ZooKeeper session timeout, so its leadership goes. */
const PAUSE_MS = 15_000;

interface FaultRun {
  /** The leader before the fault (alias), and whether another must lead afterwards. */
  previous?: string;
  change: boolean;
  /** After the new leader is named: bring the faulted node back (restart, unpause). */
  after?: () => Promise<void>;
}

/** Job, generator and checkpoints; the fault; a leader named in ZooKeeper; the job RUNNING again under its id; the oracle. */
async function failover(s: Scenario, fault: (s: Scenario) => Promise<FaultRun>): Promise<void> {
  // Through the CLI: `flink run` finds the leader through ZooKeeper, as a user's would.
  const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
  await waitForJobRunning(s, jobId);
  const generator = s.generator({ mode: 'paced', speedup: SPEEDUP }).start();
  await waitForCheckpointsAndOutput(s, jobId, 2);
  const lastBefore = (await s.cluster.rest.checkpoints(jobId)).latest.completed?.id;
  const t0 = Date.now();
  const run = await fault(s);
  const leader = await awaitLeader(s, run.previous, run.change);
  s.extra.leaderNamedMs = Date.now() - t0;
  expect(leader, 'a JobManager leader named in ZooKeeper after the fault').toBeDefined();
  await waitForJobRunning(s, jobId);
  s.extra.failoverMs = Date.now() - t0;
  s.extra.leaderBefore = run.previous;
  s.extra.leaderAfter = leader;
  await run.after?.();
  const restored = (await s.cluster.rest.checkpoints(jobId)).latest.restored;
  s.extra.lastCheckpointBefore = lastBefore;
  s.extra.restoredCheckpoint = restored?.id;
  // Output after the failover: checkpoints complete on the new leader (bounded; evidence, not timing).
  await waitForCheckpointsAndOutput(s, jobId, 2);
  await generator.stop();
  expect(await s.settle()).toBe(true);
  expectVerdictOk(await s.judge({ sink: 'at-least-once', time: 'event-time' }));
}

describe('JobManager HA (ZooKeeper)', () => {
  test('the leader JobManager SIGKILLed: the standby takes over and the job restores its latest checkpoint', async () => {
    await runScenario('ha-leader-kill', HA, (s) =>
      failover(s, async () => {
        const killed = await killJobManagerLeader(s);
        return { previous: killed.alias, change: true, after: () => startJobManager(s, killed.index) };
      }),
    );
  });

  describe.runIf(harnessRun().settings.tier === 'nightly')('nightly', () => {
    test('the leader JobManager paused past its ZooKeeper session: the standby takes over', async () => {
      await runScenario('ha-leader-pause', HA, (s) =>
        failover(s, async () => {
          const paused = await pauseJobManagerLeader(s);
          const unpause = sleep(PAUSE_MS);
          return { previous: paused.alias, change: true, after: async () => (await unpause, unpauseJobManager(s, paused.index)) };
        }),
      );
    });

    test('the leader JobManager cut from ZooKeeper (its link of the ZooKeeper proxy disabled; TaskManagers keep theirs): the standby takes over, the job restores its latest checkpoint', async () => {
      await runScenario('ha-leader-isolated-from-zookeeper', HA_ZOOKEEPER_PROXIED, (s) =>
        failover(s, async () => {
          const cut = await isolateJobManagerLeader(s, viaZooKeeperProxy);
          // Healed once the standby leads and the job runs again: the old leader rejoins as the standby.
          return { previous: cut.alias, change: true, after: () => cut.heal() };
        }),
      );
    });

    test('ZooKeeper restarted: leadership is revoked and granted again, the job restores its latest checkpoint', async () => {
      await runScenario('ha-zookeeper-restart', HA, (s) =>
        failover(s, async () => {
          await restartZooKeeper(s);
          return { change: false };
        }),
      );
    });

    test('negative control: without HA, a killed and restarted JobManager has lost the job, and the harness says so', async () => {
      await runScenario('ha-negative-control-no-ha', {}, async (s) => {
        const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
        await waitForJobRunning(s, jobId);
        // The control's own action (an operation, not a fault the run must survive).
        await recorded(s, 'operation', 'kill-jobmanager', s.cluster.jobManager.name, () => s.cluster.jobManager.kill());
        await recorded(s, 'operation', 'start-jobmanager', s.cluster.jobManager.name, () => s.cluster.jobManager.start());
        // Its REST port was any free one: docker start may publish it elsewhere.
        const port = (await s.cluster.jobManager.publishedPorts()).find((p) => p.containerPort === '8081/tcp')?.hostPort;
        if (port) s.cluster.rest = new FlinkRest(`http://127.0.0.1:${port}`);
        const jobs = await waitFor('the restarted JobManager to answer', async () => s.cluster.rest.jobs(), { timeoutMs: 120_000 });
        const lost = await s.cluster.rest.job(jobId).then(() => false, (e) => e instanceof FlinkRestError && e.status === 404);
        s.history.check('job-lost-without-ha', lost && !jobs.some((j) => j.id === jobId), `after the restart the JobManager lists ${jobs.length} job(s); ${jobId} ${lost ? 'unknown (404)' : 'still there'}`);
        expect(jobs.map((j) => j.id), 'the restarted JobManager (no HA) must not know the job').not.toContain(jobId);
        expect(lost, `GET /jobs/${jobId} answers 404`).toBe(true);
      });
    });
  });
});
