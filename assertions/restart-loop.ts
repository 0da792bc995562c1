// Did the job fail over and over with nothing to explain it? A pure function
// of the history. The harness runs Flink with a fixed-delay restart strategy
// (1 s, unbounded attempts), so a job that cannot run (a checkpoint or restore
// that fails every time) does not end FAILED: it restarts forever, and a run
// only sees its output stall. Flink's exception history names every failure;
// this rule reads it:
// - a failure is explained when it falls inside a fault or operation of the
//   run (a fault held until the next operation on its target, which undoes
//   it: unpause, start, heal), or within EXPLAINED_FOR_MS after one ends (a
//   heartbeat timeout, a sink fenced after a restore, the restarts until a
//   broker is back);
// - RESTART_LOOP_MIN unexplained failures of one job with no checkpoint of it
//   completed from the first to the last: `job.restart-loop`, a fail (a
//   correct Flink with no fault does not fail at all, let alone without
//   progress);
// - fewer, or ones a completed checkpoint separates: `job.unexplained-failure`,
//   info (a slow machine can time a checkpoint out once; the report shows it).
import { disturbances } from './disturbances.js';
import type { HistoryEvent } from '../history/types.js';
import { eventsOf as of, type EventOf as Ev } from '../history/events-of.js';
import type { Reason } from './outcome.js';


/** How long after a fault or operation ends a failure is still its effect (heartbeat timeouts are 5 s, the restart delay 1 s; 60 s leaves room for a busy machine and a slow broker). */
export const EXPLAINED_FOR_MS = 60_000;

/** Unexplained failures without progress that make a loop: more than a slow machine's odd checkpoint timeout. */
export const RESTART_LOOP_MIN = 5;

/** One failure of a job as Flink recorded it, with what (if anything) explains it. */
export interface JobFailure {
  jobId: string;
  /** Flink's timestamp, epoch ms. */
  at: number;
  cause: string;
  explainedBy?: string;
}

export function restartLoopReasons(events: readonly HistoryEvent[]): Reason[] {
  const unexplained = jobFailures(events).filter((f) => f.explainedBy === undefined);
  const reasons: Reason[] = [];
  for (const [jobId, failures] of groupBy(unexplained, (f) => f.jobId)) {
    const loop = longestRunWithoutCheckpoint(failures, completedCheckpoints(events, jobId));
    if (loop.length >= RESTART_LOOP_MIN) {
      const first = loop[0]!;
      const last = loop.at(-1)!;
      reasons.push({
        code: 'job.restart-loop',
        effect: 'fail',
        message:
          `job ${jobId} failed ${loop.length} times in ${Math.round((last.at - first.at) / 1000)} s with no fault or operation to explain it and no checkpoint completed meanwhile; ` +
          `most often: ${topCauses(loop)[0]?.cause ?? 'unknown'}`,
        evidence: { jobId, failures: loop.length, firstAt: first.at, lastAt: last.at, causes: topCauses(loop), lastCheckpointBefore: lastCheckpointBefore(events, jobId, first.at) },
      });
    } else {
      reasons.push({
        code: 'job.unexplained-failure',
        effect: 'info',
        message: `job ${jobId} failed ${failures.length} time(s) with no fault or operation to explain it (not a loop: ${loop.length} without a checkpoint between): ${failures[0]!.cause}`,
        evidence: { jobId, failures: failures.map((f) => ({ at: f.at, cause: f.cause })) },
      });
    }
  }
  return reasons;
}

/** Every failure in the job's exception history (one per timestamp and cause), each with what explains it. */
export function jobFailures(events: readonly HistoryEvent[]): JobFailure[] {
  const spans = explainingSpans(events);
  const seen = new Set<string>();
  const failures: JobFailure[] = [];
  for (const e of of(events, 'job-exception').sort((a, b) => a.timestamp - b.timestamp)) {
    const cause = (e.message ?? e.exceptionName).slice(0, 300);
    const key = `${e.jobId}\u0000${e.timestamp}\u0000${cause}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const span = spans.find((s) => s.from <= e.timestamp && e.timestamp <= s.until + EXPLAINED_FOR_MS);
    failures.push({ jobId: e.jobId, at: e.timestamp, cause, ...(span ? { explainedBy: span.what } : {}) });
  }
  return failures;
}

/** Faults and operations as intervals; a fault reaches on to the next operation on its target (its undo). */
function explainingSpans(events: readonly HistoryEvent[]): { from: number; until: number; what: string }[] {
  // Flink's timestamps and the harness's clock are the same host's; a second of slack for ordering.
  const SLACK = 1_000;
  const all = disturbances(events).filter((d) => d.source === 'fault' || d.source === 'operation');
  const ops = of(events, 'operation');
  const firstSubmit = ops.find((o) => o.name.startsWith('submit-job'));
  // The run's first submission is no disturbance of the oracle, but a job that fails right after it is explained by it.
  const spans = all.map((d) => ({ from: d.from - SLACK, until: d.until, what: d.what }));
  if (firstSubmit) {
    const done = ops.find((o) => o.name === firstSubmit.name && o.phase !== 'invoke' && o.t >= firstSubmit.t);
    spans.push({ from: firstSubmit.t - SLACK, until: done?.t ?? firstSubmit.t, what: `operation ${firstSubmit.name}` });
  }
  for (const f of of(events, 'fault').filter((e) => e.phase === 'invoke')) {
    const undo = ops.find((o) => o.target === f.target && o.t >= f.t);
    if (undo) spans.push({ from: f.t - SLACK, until: undo.t, what: `fault ${f.name} ${f.target} until ${undo.name}` });
  }
  return spans;
}

/** The longest stretch of consecutive failures with no completed checkpoint between its first and last. */
function longestRunWithoutCheckpoint(failures: readonly JobFailure[], checkpoints: readonly number[]): JobFailure[] {
  let best: JobFailure[] = [];
  let run: JobFailure[] = [];
  for (const f of failures) {
    const prev = run.at(-1);
    if (prev && checkpoints.some((c) => c > prev.at && c < f.at)) run = [];
    run.push(f);
    if (run.length > best.length) best = [...run];
  }
  return best;
}

/** When the harness saw a checkpoint or savepoint of the job completed: either is progress. */
function completedCheckpoints(events: readonly HistoryEvent[], jobId: string): number[] {
  return of(events, 'checkpoint').filter((c) => c.jobId === jobId).map((c) => c.t);
}

function lastCheckpointBefore(events: readonly HistoryEvent[], jobId: string, t: number): number | undefined {
  const ids = of(events, 'checkpoint').filter((c) => c.jobId === jobId && c.t < t).map((c) => c.id);
  return ids.length ? Math.max(...ids) : undefined;
}

function topCauses(failures: readonly JobFailure[]): { cause: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.cause, (counts.get(f.cause) ?? 0) + 1);
  return [...counts].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count).slice(0, 3);
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

