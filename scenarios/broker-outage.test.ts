import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { PLAYGROUND_JOB, VERTEX } from '../config/job-spec.js';
import type { OutputTap } from '../containers/output-tap.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { kafkaOutage, pauseKafka, unpauseKafka } from '../faults/broker.js';
import { killTaskManager, startTaskManager } from '../faults/taskmanager.js';
import { waitFor } from '../containers/wait.js';
import { writePhaseOne } from './harness/input-phases.js';
import { runScenario } from './harness/scenario.js';
import { runVariants } from './harness/variant-draw.js';

// The broker goes away while the job runs (stopped, down 20 s, started with
// its data): the job must ride it out (its Kafka clients retry, or it restarts
// from a checkpoint) and no window may be lost. The harness's own reader of
// `output` must ride it out too, reading every offset once. Whether kafkajs
// gives up on a reader during an outage varies from run to run, so a second
// reader is restarted on purpose while the broker is down: the path a crash
// takes (new client, retried until the broker answers, already-read offsets
// dropped) runs in every run.

const WINDOWS = 8;
const PHASE_1_WINDOWS = 4;
const DOWN_MS = 20_000;
// Smoke: one of the two outages, drawn by seed; nightly: both.
const outages = runVariants('broker-outage', ['stopped', 'paused-during-restart']);

/** Per partition: offsets read, each once, none missing below the end. */
function expectEveryOffsetOnce(tap: OutputTap, ends: Map<number, bigint>, what: string): void {
  for (const [partition, end] of ends) {
    const offsets = tap.records.filter((r) => r.partition === partition).map((r) => BigInt(r.offset));
    expect(new Set(offsets).size, `${what}: p${partition} offsets read once`).toBe(offsets.length);
    // `output` of the at-least-once sink holds no transaction markers: offsets 0..end-1 are all records.
    expect(BigInt(offsets.length), `${what}: p${partition} records read vs end offset`).toBe(end);
  }
}

describe('broker outage', () => {
  test.runIf(outages.has('stopped'))(`Kafka down ${DOWN_MS / 1000} s while the job runs: the job and the harness's readers resume; every window counts 1000`, async () => {
    await runScenario('broker-outage', {}, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, jobId);
      const fragile = await s.cluster.kafka.tap('output', 'read_committed', 1);
      // (retries: 1, so its client also gives up at the first failed request)
      try {
        const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output before the outage');

        let restarted: Promise<void> | undefined;
        await kafkaOutage(s, DOWN_MS, () => (restarted = fragile.restartReader()));
        await restarted;
        generator.resume();
        await generator.done();
        expect(await s.settle(180_000), 'all windows after the outage').toBe(true);
        const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
        expectVerdictOk(verdict);
        expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);

        const ends = await s.cluster.kafka.endOffsets('output');
        await fragile.drain(ends, { timeoutMs: 60_000 });
        s.extra.fragileReaderRestarts = fragile.reconnects;
        expect(fragile.reconnects, 'readers started anew for the second reader').toBeGreaterThan(0);
        s.extra.outputReaderRestartsDuringOutage = s.tap.reconnects;
        expectEveryOffsetOnce(s.tap, ends, 'harness reader');
        expectEveryOffsetOnce(fragile, ends, 'fragile reader');
      } finally {
        await fragile.stop();
      }
    });
  });

  // The job restarts while the broker is unreachable: its source tasks come
  // back with their partitions restored from the checkpoint but nothing to read
  // for longer than the job's idleness timeout (5 s), while a backlog of 4
  // windows on both partitions waits for them. When the broker answers again,
  // the Kafka consumer hands over one partition's backlog before the other's
  // (500 records a poll, partition by partition). A partition output marked
  // idle meanwhile lets the first partition drive the watermark alone, and the
  // other's records of the same windows come late and are dropped.
  // The broker is paused (docker pause), not stopped: a stopped container's
  // name no longer resolves on Docker's network, and a job cannot even create
  // its Kafka clients ("No resolvable bootstrap urls"), so it would only come up
  // once the broker is back. A paused broker is what an unreachable host looks
  // like: its name resolves, connections are accepted, nothing answers.
  test.runIf(outages.has('paused-during-restart'))(`the job restarts while Kafka does not answer, longer than its idleness timeout: no window is lost when the broker answers again`, async () => {
    /**
     * How long the restarted job sits with its tasks up and no broker: well past
     * its idleness timeout (ClickEventCount.IDLENESS, 5 s), and well past the
     * Kafka clients' request timeout (30 s), so they log losing the broker (the
     * pause's evidence). 30 s was a race: the producer's first request-timeout
     * line came 15 ms before the unpause in one campaign run, and never in
     * another (inconclusive, `fault.pause-kafka.no-effect`; 4 Dec).
     */
    const IDLE_FOR_MS = 45_000;
    await runScenario('broker-outage-restart', {}, async (s) => {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, jobId);
      const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output before the kill');

      // No TaskManager: the job waits for slots while phase 2 becomes a backlog on both partitions.
      await killTaskManager(s);
      await waitFor('the JobManager to notice the lost TaskManager', async (seen) => {
        const o = await s.cluster.rest.overview();
        seen(`${o.taskmanagers} TaskManager(s)`);
        return o.taskmanagers === 0 ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      generator.resume();
      await generator.done();

      // The broker stops answering; the TaskManager comes back and the job restarts from its checkpoint with nothing to read.
      await pauseKafka(s);
      try {
        await startTaskManager(s);
        await s.cluster.waitForTaskManagers(1);
        await waitForJobRunning(s, jobId);
        await new Promise((r) => setTimeout(r, IDLE_FOR_MS));
        // It sat IDLE_FOR_MS running, and its restarted source sent nothing: no input reached it.
        const job = await s.cluster.rest.job(jobId);
        expect(job.state, 'the restarted job keeps running without a broker').toBe('RUNNING');
        const source = job.vertices.find((v) => v.name.includes(VERTEX.source));
        expect(source?.metrics['write-records'], 'records the restarted source sent while the broker was paused').toBe(0);
        s.extra.restartedJobWithoutBrokerMs = IDLE_FOR_MS;
      } finally {
        await unpauseKafka(s);
      }
      const restored = (await s.cluster.rest.checkpoints(jobId)).latest.restored;
      expect(restored, 'the job restored a checkpoint').not.toBeNull();
      s.extra.restoredCheckpoint = restored?.id;

      expect(await s.settle(180_000), 'all windows after the broker answers again').toBe(true);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
    });
  });
});
