// When the job may legitimately have written a window twice: the stretches of
// a run in which it was hit, stopped, restarted or restored. Derived from the
// history alone (a pure function of its events), so the oracle can ask "does
// something lie between these two copies?" without trusting the scenario.
//
// What counts, each as an interval on the harness's wall clock:
// - every fault, from its invoke to its ok/fail (never closed: to the end);
//   a pause or kill is held until the operation that undoes it on the same
//   target (unpause-X, start-X): the job may fail over only when Flink
//   notices, long after the fault's own ok;
// - operations that stop, start, restore or move the job: submissions (but the
//   run's first, which starts it and has nothing to replay), stop with
//   savepoint, restore, TaskManager start/unpause/scale, Flink replaced, cancel,
//   restart;
// - the job seen other than fully running (RESTARTING, FAILING, CANCELLING,
//   tasks not all RUNNING, ...) until it is next seen fully running; the first
//   job's start-up (CREATED, INITIALIZING, tasks deploying) before it ever ran
//   is not a disturbance;
// - Flink's own records: a restore (`latest.restored`, at its restoredAt) and
//   an entry of the exception history (at Flink's timestamp).
// A disturbance nobody recorded (Flink failing over between two polls with no
// exception read and no restore read) is invisible here: the duplicate it
// causes then fails as 'duplicate-without-fault'. That errs toward a red
// verdict, never toward an unearned pass.
import { faultOccurrences, type FaultOccurrence } from '../history/fault-occurrences.js';
import { isFullyRunning } from '../history/recovery.js';
import type { HistoryEvent } from '../history/types.js';

export interface Disturbance {
  /** Epoch ms on the harness's clock (Flink's own for restores and exceptions). */
  from: number;
  /** Epoch ms; Infinity when the history never saw it end. */
  until: number;
  source: 'fault' | 'operation' | 'job-state' | 'restore' | 'job-exception';
  /** One line for reports, e.g. "fault kill-taskmanager taskmanager-1". */
  what: string;
}

/**
 * How far a disturbance reaches beyond its recorded interval. The harness
 * stamps an invoke before it acts and an ok after, but sees job states only
 * every 500 ms poll (plus REST latency), and the broker's append time is
 * another process's clock on the same host, in whole milliseconds. 2 s covers
 * both with room; it is small against the 15 s window a replay re-emits.
 */
export const DISTURBANCE_SLACK_MS = 2_000;

/**
 * When a copy's write time is only its arrival at the harness's reader (no
 * broker append time), the write may have happened this much earlier: the
 * reader polls continuously and trails the broker by well under a second
 * outside disturbances; 5 s allows for a busy 2-core machine.
 */
export const ARRIVAL_LAG_MS = 5_000;

type JobStateEvent = Extract<HistoryEvent, { kind: 'job-state' }>;

/** Operations that stop, start, restore or move the job (by name prefix). */
const DISTURBING_OPERATIONS = [
  'submit-job',
  'stop-with-savepoint',
  'restore-from-savepoint',
  'resume',
  'start-taskmanager',
  'unpause-taskmanager',
  'scale-taskmanagers',
  'rescale',
  'replace-flink',
  'cancel',
  'restart',
  'kill',
];

/** A fault held until this operation on the same target undoes it. */
const UNDONE_BY: Record<string, string> = {
  'pause-taskmanager': 'unpause-taskmanager',
  'kill-taskmanager': 'start-taskmanager',
};

const TERMINAL = new Set(['FINISHED', 'CANCELED', 'FAILED', 'SUSPENDED']);
/** States a freshly submitted job passes through before it first runs. */
const START_UP = new Set(['CREATED', 'INITIALIZING', 'RUNNING']);

export function disturbances(events: readonly HistoryEvent[]): Disturbance[] {
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map(({ e }) => e);
  const found: Disturbance[] = [
    ...faultDisturbances(ordered),
    ...operationDisturbances(ordered),
    ...jobStateDisturbances(ordered),
  ];
  for (const e of ordered) {
    if (e.kind === 'restore') {
      found.push({ from: e.restoredAt, until: e.restoredAt, source: 'restore', what: `restore of ${e.isSavepoint ? 'savepoint' : 'checkpoint'} ${e.checkpointId} (job ${e.jobId})` });
    } else if (e.kind === 'job-exception') {
      const where = e.location ?? e.taskManagerId;
      found.push({ from: e.timestamp, until: e.timestamp, source: 'job-exception', what: `${e.exceptionName}${where ? ` at ${where}` : ''} (job ${e.jobId})` });
    }
  }
  return found.sort((a, b) => a.from - b.from || a.until - b.until);
}

/** The disturbances that may explain a copy written at `later` after one written at `earlier`. */
export function disturbancesBetween(
  all: readonly Disturbance[],
  earlier: { writtenMs: number; lagMs: number },
  later: { writtenMs: number },
  slackMs = DISTURBANCE_SLACK_MS,
): Disturbance[] {
  return all.filter((d) => d.from - slackMs <= later.writtenMs && d.until + slackMs >= earlier.writtenMs - earlier.lagMs);
}

export function describeDisturbance(d: Disturbance): string {
  const until = Number.isFinite(d.until) ? (d.until === d.from ? '' : ` .. ${d.until}`) : ' .. end';
  return `${d.what} @ ${d.from}${until}`;
}

function faultDisturbances(ordered: readonly HistoryEvent[]): Disturbance[] {
  const operations = occurrences(ordered, 'operation');
  return faultOccurrences(ordered).map((f) => {
    let until = endOf(f);
    const undo = UNDONE_BY[f.name];
    const undone = undo && operations.find((o) => o.name === undo && o.target === f.target && o.invokedAt >= f.invokedAt);
    if (undone) until = Math.max(Number.isFinite(until) ? until : f.invokedAt, endOf(undone));
    return { from: f.invokedAt, until, source: 'fault' as const, what: `fault ${f.name} ${f.target}` };
  });
}

function operationDisturbances(ordered: readonly HistoryEvent[]): Disturbance[] {
  const ops = occurrences(ordered, 'operation');
  const firstSubmit = ops.find((o) => o.name.startsWith('submit-job'));
  return ops
    .filter((o) => o !== firstSubmit && DISTURBING_OPERATIONS.some((p) => o.name.startsWith(p)))
    .map((o) => ({ from: o.invokedAt, until: endOf(o), source: 'operation' as const, what: `operation ${o.name} ${o.target}` }));
}

function jobStateDisturbances(ordered: readonly HistoryEvent[]): Disturbance[] {
  const states = ordered.filter((e): e is JobStateEvent => e.kind === 'job-state');
  const firstJob = states[0]?.jobId;
  const found: Disturbance[] = [];
  const perJob = new Map<string, { ran: boolean; open?: JobStateEvent }>();
  for (const e of states) {
    const job = perJob.get(e.jobId) ?? { ran: false };
    perJob.set(e.jobId, job);
    if (isFullyRunning(e)) {
      if (job.open) found.push(stretch(job.open, e.t));
      job.open = undefined;
      job.ran = true;
      continue;
    }
    if (!job.ran && e.jobId === firstJob && START_UP.has(e.state)) continue;
    job.open ??= e;
    if (TERMINAL.has(e.state)) {
      found.push(stretch(job.open, e.t));
      job.open = undefined;
    }
  }
  for (const job of perJob.values()) if (job.open) found.push(stretch(job.open, Infinity));
  return found;
}

function stretch(from: JobStateEvent, until: number): Disturbance {
  return { from: from.t, until, source: 'job-state', what: `job ${from.jobId} ${from.state} ${JSON.stringify(from.tasks)}` };
}

/** Operations paired like faults (invoke with its ok/fail), by name and target. */
function occurrences(ordered: readonly HistoryEvent[], kind: 'operation'): FaultOccurrence[] {
  const asFaults = ordered.flatMap((e) => (e.kind === kind ? [{ ...e, kind: 'fault' as const }] : []));
  return faultOccurrences(asFaults);
}

function endOf(o: FaultOccurrence): number {
  return o.okAt ?? o.failedAt ?? Infinity;
}
