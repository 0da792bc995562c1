// The real system a schedule acts on (fast-check's "real" beside the model):
// one scenario's cluster and history, the job's current id, the workload (the
// job and its input) and the output reader, plus the run's deadline and the
// log of executed steps.
import type { Cluster } from '../../containers/cluster.js';
import type { JobSpec } from '../../config/job-spec.js';
import type { OutputTap } from '../../containers/output-tap.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { Testbed } from '../context.js';
import { describeAction, describeModel, type Action, type ScheduleModel } from './model.js';
import type { ScheduleInput, ScheduleWorkload } from './workload.js';

/** The part of a scenario a schedule needs (the cluster suite's Scenario has all of it). */
export interface ScheduleWorld extends Testbed {
  cluster: Cluster;
  history: HistoryRecorder;
  tap: OutputTap;
  extra: Record<string, unknown>;
}

export interface ExecutedStep {
  /** 1-based position among the steps that ran. */
  index: number;
  action: Action;
  /** What the step acted on, resolved against the model (e.g. "taskmanager-2"). */
  target?: string;
  startedAt: number;
  endedAt?: number;
  /** The model after the step. */
  model?: string;
  /** What the step observed (failover seen, savepoint location, ...). */
  observed?: string;
}

export interface ScheduleReal {
  world: ScheduleWorld;
  /** The job as the steps submit it (its switches, sink and transactional ids). */
  spec: JobSpec;
  workload: ScheduleWorkload;
  /** The job's current id (changes on every resume from a savepoint). */
  jobId: string;
  input: ScheduleInput;
  /** Epoch ms by which the run should be done; every wait is bounded by it. */
  deadline: number;
  steps: ExecutedStep[];
}

/** A wait's bound: `capMs`, but never past the run's deadline (at least 1 s, so it still looks once). */
export const bound = (r: ScheduleReal, capMs: number): number => Math.max(1_000, Math.min(capMs, r.deadline - Date.now()));

export function beginStep(r: ScheduleReal, a: Action, target?: string): ExecutedStep {
  const step: ExecutedStep = { index: r.steps.length + 1, action: a, target, startedAt: Date.now() };
  r.steps.push(step);
  r.world.history.note(`schedule step ${step.index}: ${describeAction(a)}${target ? ` -> ${target}` : ''}`);
  return step;
}

export function endStep(r: ScheduleReal, step: ExecutedStep, m: ScheduleModel, observed?: string): void {
  step.endedAt = Date.now();
  step.model = describeModel(m);
  if (observed) step.observed = observed;
  r.world.history.note(`schedule step ${step.index} done${observed ? ` (${observed})` : ''}; model: ${step.model}`);
}

/** The executed steps as readable lines, times relative to `t0`. */
export function describeSteps(steps: readonly ExecutedStep[], t0: number): string[] {
  const s = (ms: number) => `${((ms - t0) / 1000).toFixed(1)} s`;
  return steps.map(
    (x) =>
      `${x.index}. +${s(x.startedAt)}${x.endedAt ? `..${s(x.endedAt)}` : ' (did not finish)'} ${describeAction(x.action)}` +
      `${x.target ? ` -> ${x.target}` : ''}${x.observed ? `: ${x.observed}` : ''}${x.model ? ` | ${x.model}` : ''}`,
  );
}
