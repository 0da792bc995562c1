import { describe, expect, test } from 'vitest';
import { expectVerdictOk } from '../assertions/expect-verdict.js';
import { parseJobList } from '../containers/flink-cli.js';
import { PLAYGROUND_JOB } from '../config/job-spec.js';
import { leftovers } from '../containers/janitor.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { expectCleanFence } from './harness/expect-fenced.js';
import { harnessRun, runScenario } from './harness/scenario.js';

// Foundation: the playground starts, the job submitted by the real CLI runs,
// and 8 windows go through end to end with exactly 1000 per window and page.

describe('playground', () => {
  test('the job submitted by the flink CLI runs; CLI, REST and Web UI agree; every window counts 1000', async () => {
    await runScenario('playground-start', {}, async (s) => {
      const submitted = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      expect(submitted.cli?.exitCode).toBe(0);
      await waitForJobRunning(s, submitted.jobId);

      const help = await s.cluster.cli.help();
      expect(help.stdout + help.stderr).toMatch(/Valid actions are "run", "run-application", "list", "info", "savepoint", "stop", "cancel"|Action "run" compiles and runs a program/);

      const list = await s.cluster.cli.list();
      expect(list.exitCode).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`: ${submitted.jobId} : Click Event Count \\(RUNNING\\)`));
      expect(parseJobList(list.stdout)).toContainEqual({ jobId: submitted.jobId, name: 'Click Event Count', state: 'RUNNING' });

      expect(await s.cluster.rest.jobs()).toContainEqual({ id: submitted.jobId, status: 'RUNNING' });
      const html = await s.cluster.rest.webUiHtml();
      expect(html).toMatch(/<html/i);
      expect(html).toMatch(/Apache Flink Web Dashboard|flink/i);
      expect(s.cluster.webUiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      // Security: every published port on loopback only, no privileged container.
      for (const node of s.cluster.nodes()) {
        for (const port of await node.publishedPorts()) expect(port.hostIp, `${node.name} ${port.containerPort}`).toBe('127.0.0.1');
        expect(await node.isPrivileged(), node.name).toBe(false);
      }

      const generator = s.generator({ mode: 'fast', windows: 8 });
      await generator.done();
      expect(await s.settle(120_000)).toBe(true);
      const verdict = await s.judge({ sink: 'at-least-once', time: 'event-time' });
      expectVerdictOk(verdict);
      expect(verdict.summary.expectedKeys).toBe(8 * 6);
      // The judge's fence: the job stopped with a savepoint, every partition read to its end.
      expectCleanFence(s, submitted.jobId, 'at-least-once');
    });
    // Teardown: nothing with this run's label remains on the engine.
    expect(await leftovers(harnessRun().runId)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
