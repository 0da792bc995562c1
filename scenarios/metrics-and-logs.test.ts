import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { CHECKPOINTS_DIR } from '../containers/cluster.js';
import type { JobDetails, JobVertex } from '../containers/flink-rest.js';
import { PLAYGROUND_JOB, VERTEX } from '../config/job-spec.js';
import { waitFor } from '../containers/wait.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { waitForCheckpointsAndOutput } from './harness/output-progress.js';
import { runScenario, type Scenario } from './harness/scenario.js';

// Metrics and logs (operations 3 and 10 of the playground): what a person
// reads off the REST API and the container logs of a healthy job, checked
// against what the generator knows it wrote. Plus bad input: a record that is
// not a ClickEvent is skipped, and loses nothing.

const WINDOWS = 8;
const MALFORMED = ['not json', '{"timestamp": "yesterday", "page": "/help"}'];
/** The second batch of bad input goes in after this many windows (mid-stream). */
const MALFORMED_AFTER_WINDOWS = 3;

/**
 * The job's vertices in the Web UI, in order. Names as Flink 2.x shows them:
 * the source vertex carries the "Source: " prefix, and the sink is two
 * vertices, "<name>: Writer" and "<name>: Committer", because KafkaSink is a
 * Sink V2 with a committer (even at-least-once). Hence the prefix matches.
 */
const VERTICES: readonly { what: string; name: RegExp }[] = [
  { what: 'source', name: new RegExp(`^(Source: )?${VERTEX.source}$`) },
  { what: 'watermarks', name: new RegExp(`^${escape(VERTEX.watermarks)}$`) },
  { what: 'counter', name: new RegExp(`^${VERTEX.counter}$`) },
  { what: 'sink writer', name: new RegExp(`^${VERTEX.sink}: Writer$`) },
  { what: 'sink committer', name: new RegExp(`^${VERTEX.sink}: Committer$`) },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function vertex(job: JobDetails, what: string): JobVertex {
  const spec = VERTICES.find((v) => v.what === what)!;
  const found = job.vertices.find((v) => spec.name.test(v.name));
  if (!found) throw new Error(`no ${what} vertex (${spec.name}) among ${job.vertices.map((v) => v.name).join(', ')}`);
  return found;
}

/** GET on the REST API for what the typed client does not cover (metric names of a vertex). */
async function restGet<T>(s: Scenario, p: string): Promise<T> {
  const res = await fetch(`${s.cluster.rest.baseUrl}${p}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

describe('metrics and logs', () => {
  test('REST metrics, job details and logs agree with the generator; malformed input is skipped and loses nothing', async () => {
    // The REST API serves task metrics fetched from the TaskManagers every
    // metrics.fetcher.update-interval (10 s by default): 1 s keeps the waits
    // below short. Observability only.
    await runScenario('metrics-and-logs', { flinkProperties: { 'metrics.fetcher.update-interval': '1000' } }, async (s) => {
      const { cluster } = s;
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, jobId);

      // Bad input before the clicks and again mid-stream, inside an open
      // window, one per partition each time: the job must skip the bad
      // records and count every click.
      const generator = s.generator({ mode: 'fast', windows: WINDOWS, pauseAfterWindows: [MALFORMED_AFTER_WINDOWS] });
      const writeMalformed = async () => {
        for (const [partition, value] of MALFORMED.entries()) await generator.writeRaw(value, partition);
      };
      await writeMalformed();
      await generator.paused();
      await writeMalformed();
      generator.resume();
      await generator.done();
      await waitForCheckpointsAndOutput(s, jobId, 2);
      expect(await s.settle()).toBe(true);
      const ledger = generator.ledger.snapshot();

      // --- GET /jobs/<id>/metrics?get=lastCheckpointSize ---
      const lastCheckpointSize = await waitFor(
        'a positive lastCheckpointSize',
        async (seen) => {
          const m = await cluster.rest.jobMetrics(jobId, ['lastCheckpointSize']);
          seen(JSON.stringify(m));
          const n = Number(m.lastCheckpointSize);
          return n > 0 ? n : undefined;
        },
        { timeoutMs: 30_000, diagnose: () => cluster.diagnose(jobId) },
      );
      s.extra.lastCheckpointSize = lastCheckpointSize;

      // --- GET /jobs/<id>: state, timestamps, vertices, plan ---
      const job = await cluster.rest.job(jobId);
      expect(job.jid).toBe(jobId);
      expect(job.name).toBe('Click Event Count');
      expect(job.state).toBe('RUNNING');
      expect(job['start-time']).toBeGreaterThan(0);
      expect(job.timestamps.RUNNING).toBeGreaterThanOrEqual(job['start-time']);
      expect(job.vertices.map((v) => v.name)).toHaveLength(VERTICES.length);
      VERTICES.forEach((spec, i) => expect(job.vertices[i]!.name, spec.what).toMatch(spec.name));
      for (const v of job.vertices) {
        expect(v.parallelism, v.name).toBe(1);
        expect(v.status, v.name).toBe('RUNNING');
        expect(v.tasks.RUNNING, v.name).toBe(v.parallelism);
        expect(Object.entries(v.tasks).filter(([st, n]) => st !== 'RUNNING' && n > 0), v.name).toEqual([]);
      }
      expect(job['status-counts'].RUNNING).toBe(VERTICES.length);
      // Operator chaining is off: source -> watermarks FORWARD, keyBy(page) -> counter HASH, counter -> sink FORWARD.
      const strategies = job.plan.nodes.flatMap((n) => (n.inputs ?? []).map((i) => i.ship_strategy));
      expect(new Set(strategies)).toEqual(new Set(['FORWARD', 'HASH']));
      const input = (what: string) => job.plan.nodes.find((n) => n.id === vertex(job, what).id)?.inputs ?? [];
      expect(input('watermarks')).toEqual([expect.objectContaining({ id: vertex(job, 'source').id, ship_strategy: 'FORWARD' })]);
      expect(input('counter')).toEqual([expect.objectContaining({ id: vertex(job, 'watermarks').id, ship_strategy: 'HASH' })]);
      expect(input('sink writer')).toEqual([expect.objectContaining({ id: vertex(job, 'counter').id, ship_strategy: 'FORWARD' })]);

      // --- Record counts: every acknowledged click went through, the bad records did not ---
      // Metrics lag (fetched every second here); wait until the source has
      // reported the generator's count, then require exact agreement along the
      // pipeline: nothing failed, so nothing may be counted twice, and the
      // malformed records must not be counted at all.
      const outputRecords = s.tap.records.length;
      const counted = await waitFor(
        `record counts to reach ${ledger.total} clicks and ${outputRecords} output records`,
        async (seen) => {
          const j = await cluster.rest.job(jobId);
          const m = (what: string) => vertex(j, what).metrics;
          const c = {
            sourceOut: m('source')['write-records'],
            watermarksIn: m('watermarks')['read-records'],
            watermarksOut: m('watermarks')['write-records'],
            counterIn: m('counter')['read-records'],
            counterOut: m('counter')['write-records'],
            writerIn: m('sink writer')['read-records'],
          };
          seen(JSON.stringify(c));
          return c.sourceOut >= ledger.total && c.counterIn >= ledger.total && c.writerIn >= outputRecords ? c : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1_000, diagnose: () => cluster.diagnose(jobId) },
      );
      s.extra.recordCounts = { acknowledged: ledger.total, output: outputRecords, ...counted };
      expect(counted.sourceOut, 'source write-records = acknowledged clicks (malformed skipped)').toBe(ledger.total);
      expect(counted.watermarksIn).toBe(ledger.total);
      expect(counted.watermarksOut).toBe(ledger.total);
      expect(counted.counterIn).toBe(ledger.total);
      expect(counted.counterOut).toBe(outputRecords);
      expect(counted.writerIn).toBe(outputRecords);

      // The deserializer's own count of skipped records (KafkaSource registers
      // it under the source operator's "deserializer" group).
      const source = vertex(job, 'source');
      const names = await restGet<{ id: string }[]>(s, `/jobs/${jobId}/vertices/${source.id}/subtasks/metrics`);
      const malformedMetric = names.map((n) => n.id).find((id) => id.endsWith('malformedClickEvents'));
      expect(malformedMetric, `a malformedClickEvents metric among ${names.length} source metrics`).toBeDefined();
      const [malformed] = await cluster.rest.vertexMetrics(jobId, source.id, [malformedMetric!]);
      expect(malformed?.sum, 'malformed records skipped (before and mid-stream)').toBe(2 * MALFORMED.length);

      // --- Logs: checkpoints after start-up; the bad records skipped, nothing failed ---
      const completed = (await cluster.rest.checkpoints(jobId)).counts.completed;
      const jmLog = await cluster.jobManager.logs();
      const completedInLog = [...jmLog.matchAll(new RegExp(`Completed checkpoint (\\d+) for job ${jobId}`, 'g'))].map((m) => Number(m[1]));
      expect(completedInLog.length, 'JobManager log: "Completed checkpoint <n> for job <id>"').toBeGreaterThanOrEqual(Math.min(completed, 2));
      expect(completedInLog).toEqual([...completedInLog].sort((a, b) => a - b));
      s.extra.completedCheckpointsInJobManagerLog = completedInLog.length;

      // A TaskManager of Flink 2.x logs no line per completed checkpoint at
      // INFO (the playground's 1.10 TaskManagers did). What shows that the
      // TaskManager takes part: its tasks checkpoint to the playground's
      // directory (log), they acknowledged every subtask of the latest
      // completed checkpoint (REST), and its files are in the shared storage.
      // 1.20 names the storage's class but not its folder (the folder is
      // checked below, by the files in it).
      const tmLog = await cluster.taskManagers[0]!.logs();
      if (cluster.spec.flinkVersion.startsWith('1.')) {
        expect(tmLog).toContain('Using job/cluster config to configure application-defined checkpoint storage: org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage');
      } else {
        expect(tmLog).toContain(`Checkpoint storage is set to 'filesystem': (checkpoints "file:${CHECKPOINTS_DIR}")`);
      }
      expect(tmLog).toMatch(/Skipping malformed click event #\d+ \(not JSON/);
      expect(tmLog).toMatch(/Skipping malformed click event #\d+ \(missing or non-integral 'timestamp'\)/);
      expect(tmLog.split('\n').filter((l) => / ERROR /.test(l)), 'ERROR lines in the TaskManager log').toEqual([]);
      expect(jmLog.split('\n').filter((l) => / ERROR /.test(l)), 'ERROR lines in the JobManager log').toEqual([]);
      const latest = (await cluster.rest.checkpoints(jobId)).latest.completed as unknown as { id: number; num_subtasks: number; num_acknowledged_subtasks: number };
      expect(latest.num_subtasks).toBe(VERTICES.length);
      expect(latest.num_acknowledged_subtasks).toBe(latest.num_subtasks);
      const jobDir = path.join(cluster.checkpointsDir, jobId);
      const retained = await waitFor(
        'a completed checkpoint (chk-<n>/_metadata) in the shared storage on the host',
        async (seen) => {
          const dirs = (await readdir(jobDir)).filter((d) => /^chk-\d+$/.test(d));
          seen(dirs.join(', ') || 'no chk-* folder');
          return dirs.find((d) => existsSync(path.join(jobDir, d, '_metadata')));
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      s.extra.retainedCheckpoint = retained;

      // --- Bad input loses nothing ---
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(WINDOWS * 6);
      expect(verdict.summary.duplicateRecords).toBe(0);
    });
  });
});
