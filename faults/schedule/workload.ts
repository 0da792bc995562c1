// What a schedule drives besides the cluster: the job, as its steps submit
// it, and the job's input. The playground's click job counts windows (the
// click workload); a declared job is fed from its declaration's generator
// and judged by the differential oracle (scenarios/harness/own-job-schedule.ts).
// The steps see only this contract: a time to land faults by, a settle, and
// what a job without slots may not have written.
import type { JobSpec } from '../../config/job-spec.js';
import type { ScheduleReal } from './real.js';

/** The schedule's running input. */
export interface ScheduleInput {
  /**
   * The time steps wait on, in ms (-1: nothing acknowledged yet): the click
   * generator's event time; for a declared job, its input's flow at the
   * schedule's pace. 'mid-window' and wait-windows read it.
   */
  inputTimeMs(): number;
  /** Ends the input after what is in flight (the caller bounds the wait). */
  stop(): Promise<void>;
  /** Resolves when the input ended; rejects when the generator failed. */
  done(): Promise<void>;
}

export interface ScheduleWorkload {
  /** What it is, for the history. */
  describe: string;
  spec: JobSpec;
  /** Starts the input: paced, until stop(). */
  start(): ScheduleInput;
  /** Before the first step (bounded by the run): the job demonstrably processes input and holds state. */
  warmUp(r: ScheduleReal): Promise<void>;
  /** Bounded, never throws: true once the output caught up with the input so far; else false, with `extra.settleDiagnostics`. */
  settle(timeoutMs: number): Promise<boolean>;
  /**
   * What a job without slots wrote for input after `fromMs` (input time):
   * there must be nothing. Undefined: this workload's output cannot tell.
   */
  outputAfter?(fromMs: number): number[];
}
