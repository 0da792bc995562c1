import { expect } from 'vitest';
import { allTasksRunning, taskCounts } from '../../../containers/flink-rest.js';
import { waitFor } from '../../../containers/wait.js';
import { WINDOW_MS } from '../../../history/types.js';
import { jobExpectation, transition, type Action, type ScheduleModel } from '../model.js';
import { bound, beginStep, endStep, type ScheduleReal } from '../real.js';

/** How many times faster than wall time the schedule's generator writes event time. */
export const GENERATOR_SPEEDUP = 3;

/**
 * Let k windows of event time pass (the generator keeps writing). A running
 * job must then have written every settled window; a job waiting for slots
 * cannot have written any window that began after the wait began.
 */
export async function runWaitWindows(m: ScheduleModel, r: ScheduleReal, a: Extract<Action, { kind: 'wait-windows' }>): Promise<void> {
  const step = beginStep(r, a);
  const from = r.input.inputTimeMs();
  const target = from + a.windows * WINDOW_MS;
  await waitFor(
    `the generator to write ${a.windows} more window(s) of input time`,
    async (seen) => {
      const max = r.input.inputTimeMs();
      seen(`input time ${new Date(max).toISOString()}, target ${new Date(target).toISOString()}`);
      return max >= target ? true : undefined;
    },
    { timeoutMs: bound(r, (a.windows * WINDOW_MS) / GENERATOR_SPEEDUP * 3 + 60_000), intervalMs: 100 },
  );
  Object.assign(m, transition(m, a));
  if (jobExpectation(m) === 'running') {
    const settled = await r.workload.settle(bound(r, 120_000));
    expect(settled, `output for every settled window while the job runs\n${String(r.world.extra.settleDiagnostics ?? '')}`).toBe(true);
    endStep(r, step, m, 'all settled windows in the output');
    return;
  }
  const job = await r.world.cluster.rest.job(r.jobId);
  expect(allTasksRunning(job), `job waiting for slots stays not all RUNNING (tasks ${JSON.stringify(taskCounts(job))})`).toBe(false);
  const written = r.workload.outputAfter?.(from);
  if (written) expect(written, 'output windows that began after the wait, written by a job without slots').toEqual([]);
  endStep(r, step, m, `job still waiting for slots${written ? '; no output for the new windows' : ''}`);
}
