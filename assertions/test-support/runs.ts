// Oracle contexts for tests: what a history would tell the oracle.
import type { Disturbance } from '../disturbances.js';
import type { OracleContext } from '../oracle.js';

/** A run nothing disturbed, whose window operator reported no late drop. */
export const QUIET_RUN: OracleContext = { disturbances: [], lateRecordsDropped: [lateDrops(0)] };

/** A run with these disturbances and no late drop. */
export function disturbedRun(...disturbances: Disturbance[]): OracleContext {
  return { disturbances, lateRecordsDropped: [lateDrops(0)] };
}

export function disturbance(from: number, until = from, what = 'fault kill-taskmanager taskmanager-1'): Disturbance {
  return { from, until, source: 'fault', what };
}

export function lateDrops(value: number, jobId = 'job-1', t = 0) {
  return { jobId, vertex: 'TumblingEventTimeWindows', value, t };
}
