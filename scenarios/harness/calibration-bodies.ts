// The calibration suite's four short scenarios, each a body for runScenario
// that runs one build of the job (the real one or a mutant) through one
// operation and ends with the oracle's verdict. The bodies assert nothing a
// mutant could break: whatever the job wrote goes to the oracle, which alone
// says whether the mutant was caught.
import type { JobSpec } from '../../config/job-spec.js';
import { PLAYGROUND_JOB } from '../../config/job-spec.js';
import { WaitTimeout } from '../../containers/wait.js';
import { stopWithSavepoint, submitJob, waitForJobRunning } from '../../faults/job-operations.js';
import { resumeFromSavepoint } from '../../faults/restore-outcome.js';
import * as taskmanager from '../../faults/taskmanager.js';
import type { OraclePolicy } from '../../history/types.js';
import type { Verdict } from '../../assertions/verdict.js';
import type { CalibrationScenario } from './calibration-mutants.js';
import { FRESH_REST_PROPERTIES, killTaskManagerAfterUncheckpointedOutput } from './fault-timing.js';
import { newestWindowStart, waitForCheckpointsAndOutput, waitForOutputBeyond } from './output-progress.js';
import type { JudgeOptions, Scenario, ScenarioOptions } from './scenario.js';

const AT_LEAST_ONCE: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };
const EXACTLY_ONCE: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
const EXACTLY_ONCE_JOB: JobSpec = { checkpointing: true, eventTime: true, exactlyOnce: true };
/** Event time 20x wall time: a window every 0.75 s, so a kill lands in open windows and after uncheckpointed output. */
const SPEEDUP = 20;
/** The last wait for output: a real job settles within seconds; a mutant's missing window never comes. */
const FINAL_SETTLE_MS = 30_000;

export interface CalibrationBody {
  options: ScenarioOptions;
  run(s: Scenario, expect: JudgeOptions['expect']): Promise<Verdict>;
}

/** Waits for output to settle; a mutant may never settle, which the oracle then reports (missing windows). */
async function settleOrNote(s: Scenario, timeoutMs: number): Promise<void> {
  s.extra.settled = await s.settle(timeoutMs);
}

/** Kill the only TaskManager right after uncheckpointed output (or anyway after 20 s), start it again, let the job recover. */
async function killAndRecover(s: Scenario, jobId: string): Promise<void> {
  const frontier = newestWindowStart(s.tap.records);
  try {
    const kill = await killTaskManagerAfterUncheckpointedOutput(s, jobId, 20_000);
    s.extra.killedAfterCheckpoint = kill.checkpointId;
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    s.history.note(`no moment with uncheckpointed output within 20 s; killing anyway`);
    await taskmanager.killTaskManager(s);
  }
  await s.cluster.waitForTaskManagers(0, { timeoutMs: 30_000 });
  await taskmanager.startTaskManager(s);
  await s.cluster.waitForTaskManagers(1);
  await waitForJobRunning(s, jobId, 180_000);
  // Output past the kill, if the mutant lets any through; the oracle judges what came.
  await waitForOutputBeyond(s, frontier, 60_000).catch((e: unknown) => {
    if (!(e instanceof WaitTimeout)) throw e;
    s.history.note('no output past the kill within 60 s');
  });
}

export const CALIBRATION_BODIES: Record<CalibrationScenario, CalibrationBody> = {
  /** 6 windows, no fault: what a mutant breaks without any help. */
  'fault-free': {
    options: {},
    async run(s, expect) {
      const { jobId } = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, jobId);
      await s.generator({ mode: 'fast', windows: 6 }).start().done();
      await settleOrNote(s, FINAL_SETTLE_MS);
      return s.judge(AT_LEAST_ONCE, { expect });
    },
  },
  /** At-least-once, checkpoints every second, the TaskManager SIGKILLed while windows are open. */
  'taskmanager-kill': {
    options: { flinkProperties: FRESH_REST_PROPERTIES },
    run: (s, expect) => killDuringInput(s, PLAYGROUND_JOB, AT_LEAST_ONCE, expect),
  },
  /** Stop with savepoint while window 3 is open (its partial count in the savepoint), input while stopped, resume. */
  'savepoint-resume': {
    options: {},
    async run(s, expect) {
      const first = await submitJob(s, PLAYGROUND_JOB, { via: 'rest' });
      await waitForJobRunning(s, first.jobId);
      const generator = s.generator({ mode: 'fast', windows: 6, pauseAfterWindows: [3] }).start();
      await generator.paused();
      await settleOrNote(s, 60_000);
      const stopped = await stopWithSavepoint(s, first.jobId, 'rest');
      generator.resume();
      await generator.done();
      const restore = await resumeFromSavepoint(s, PLAYGROUND_JOB, stopped.location, { via: 'rest' });
      if (restore.kind !== 'restored') throw new Error(`the job did not resume from ${stopped.location}: ${restore.kind}: ${JSON.stringify(restore).slice(0, 500)}`);
      await settleOrNote(s, FINAL_SETTLE_MS);
      return s.judge(AT_LEAST_ONCE, { expect });
    },
  },
  /** --exactly-once, read with read_committed, the TaskManager SIGKILLed: zero duplicates allowed. */
  'exactly-once-kill': {
    options: { flinkProperties: FRESH_REST_PROPERTIES, outputIsolation: 'read_committed' },
    run: (s, expect) => killDuringInput(s, EXACTLY_ONCE_JOB, EXACTLY_ONCE, expect),
  },
};

/** Paced input, checkpoints and output, then the TaskManager SIGKILLed and started again; the rest of the input; judged. */
async function killDuringInput(s: Scenario, job: JobSpec, policy: OraclePolicy, expect: JudgeOptions['expect']): Promise<Verdict> {
  const { jobId } = await submitJob(s, job, { via: 'rest' });
  await waitForJobRunning(s, jobId);
  const generator = s.generator({ mode: 'paced', speedup: SPEEDUP }).start();
  await waitForCheckpointsAndOutput(s, jobId, 2);
  await killAndRecover(s, jobId);
  await generator.stop();
  await settleOrNote(s, FINAL_SETTLE_MS);
  return s.judge(policy, { expect });
}
