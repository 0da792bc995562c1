import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { PLAYGROUND_JOB } from '../containers/job-spec.js';
import type { OutputTap } from '../containers/output-tap.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { kafkaOutage } from '../faults/broker.js';
import { writePhaseOne } from './harness/input-phases.js';
import { runScenario } from './harness/scenario.js';

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
  test(`Kafka down ${DOWN_MS / 1000} s while the job runs: the job and the harness's readers resume; every window counts 1000`, async () => {
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
        const verdict = s.judge({ sink: 'at-least-once', time: 'event-time' });
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
});
