import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { clusterMemory } from '../containers/cluster-memory.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { healNetwork, kafkaLatency, partitionTaskManager } from '../faults/network.js';
import { writePhaseOne } from './harness/input-phases.js';
import { harnessRun, runScenario, type Scenario } from './harness/scenario.js';

// Network faults without privileged containers (faults/network.ts): a
// TaskManager cut from Kafka by `docker network disconnect` of Kafka's own
// network (topology partitionable) and put back, and latency on every link
// between Flink and Kafka through toxiproxy (topology proxies taskmanager ->
// kafka: Flink bootstraps from the proxy and every broker advertises its
// proxy port). Each fault heals, also when the test fails (healNetwork in
// finally); the oracle judges the output after healing, the evidence rule
// (assertions/network-evidence.ts) whether the fault reached the job.

const WINDOWS = 8;
const PHASE_1_WINDOWS = 3;
/** Longer than the Kafka clients' request timeout (30 s): they log losing the brokers. */
const CUT_MS = 35_000;
const POLICY = { sink: 'at-least-once', time: 'event-time' } as const;

async function healed(s: Scenario, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await healNetwork(s);
  }
}

describe.runIf(harnessRun().settings.tier === 'nightly')('network faults', () => {
  test(`TaskManager cut from Kafka for ${CUT_MS / 1000} s while the job runs, then put back: every window counts 1000`, async () => {
    // The largest topology the harness builds without HA: 3 brokers, 2 TaskManagers, two networks; its memory goes into extra.memory.
    await runScenario('network-taskmanager-kafka-partition', { topology: { partitionable: true, brokers: 3, taskManagers: 2 } }, (s) =>
      healed(s, async () => {
        const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
        await waitForJobRunning(s, jobId);
        const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output before the cut');
        s.extra.memory = await clusterMemory(s.cluster.nodes());
        generator.resume();
        const heal = await partitionTaskManager(s, 0, 'kafka');
        await new Promise((r) => setTimeout(r, CUT_MS));
        await heal();
        await generator.done();
        await waitForJobRunning(s, jobId, 180_000);
        expect(await s.settle(240_000), 'all windows after the TaskManager is back on Kafka').toBe(true);
        const verdict = await s.judge(POLICY);
        expectVerdictOk(verdict);
        expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      }),
    );
  });

  test('latency (300 ms, jitter 100 ms) on every Flink-Kafka link through toxiproxy: the job keeps running, output arrives later, every window counts 1000', async () => {
    await runScenario('network-kafka-latency', { topology: { proxies: [{ from: 'taskmanager', to: 'kafka' }] } }, (s) =>
      healed(s, async () => {
        const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
        await waitForJobRunning(s, jobId);
        const generator = await writePhaseOne(s, WINDOWS, PHASE_1_WINDOWS, 'phase 1 output through the proxy');
        const before = s.tap.records.length;
        const removeLatency = await kafkaLatency(s, 300, 100);
        generator.resume();
        await generator.done();
        // Output of phase 2 arrives through the slowed links, before the latency is removed.
        const arrived = await s.settle(240_000);
        const job = await s.cluster.rest.job(jobId);
        await removeLatency();
        expect(arrived, 'all windows arrived while the links were slow').toBe(true);
        expect(s.tap.records.length, 'output records after the latency began').toBeGreaterThan(before);
        expect(job.state, 'the job kept running through the latency').toBe('RUNNING');
        const verdict = await s.judge(POLICY);
        expectVerdictOk(verdict);
        expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      }),
    );
  });
});
