// How long the job took to come back after each fault, measured from the
// fault's 'ok' (the moment the harness knows it took effect) and bounded by
// the next fault's invoke: after that, the two can no longer be told apart.
//
// Job recovered: the first job-state event with state RUNNING and every
// non-zero task count being RUNNING (FINISHED, CANCELED, ... all 0). Flink
// may notice a lost TaskManager only after a heartbeat timeout, so polls right
// after the fault can still read "all RUNNING": if the job is seen disrupted
// at all before the bound, recovery is the first fully running poll after the
// first disrupted one; otherwise (never disrupted) the first fully running poll.
//
// Output caught up: the first arrival of a record for a window newer than any
// seen before the fault. Replays after a restore re-emit old windows; a newer
// window is the first proof of fresh progress. With no output before the
// fault, any well-formed record counts.
import { decodeWindowCount } from './decode-output.js';
import { byTime, faultOccurrences, type FaultOccurrence } from './fault-occurrences.js';
import type { History, HistoryEvent } from './types.js';

type JobStateEvent = Extract<HistoryEvent, { kind: 'job-state' }>;

export interface Recovery {
  fault: FaultOccurrence;
  /** ms from the fault's ok until the job was fully running again; null if not seen before the bound. */
  runningAfterMs: number | null;
  /** Whether a poll after the fault saw the job other than fully running. */
  disrupted: boolean;
  /** ms from the fault's ok until the first record of a newer window arrived; null if none before the bound. */
  outputCaughtUpMs: number | null;
  /** Newest windowStart in output that arrived before the fault's ok; null when there was none. */
  frontierWindowStart: number | null;
}

export function isFullyRunning(e: JobStateEvent): boolean {
  if (e.state !== 'RUNNING' || !((e.tasks.RUNNING ?? 0) > 0)) return false;
  return Object.entries(e.tasks).every(([state, n]) => state === 'RUNNING' || n === 0);
}

export function recoveryTimes(history: History): Recovery[] {
  const faults = faultOccurrences(history.events);
  const jobStates = byTime(history.events).filter((e): e is JobStateEvent => e.kind === 'job-state');
  const arrivals = windowArrivals(history);
  return faults.flatMap((fault) => {
    if (fault.okAt === undefined) return [];
    const from = fault.okAt;
    const until = faults.find((f) => f.index > fault.index)?.invokedAt ?? Infinity;
    const { at, disrupted } = jobRecoveredAt(jobStates.filter((e) => e.t >= from && e.t < until));
    const frontier = arrivals
      .filter((a) => a.arrivalMs < from)
      .reduce<number | null>((m, a) => (m === null ? a.windowStart : Math.max(m, a.windowStart)), null);
    const caughtUp = arrivals.find(
      (a) => a.arrivalMs >= from && a.arrivalMs < until && (frontier === null || a.windowStart > frontier),
    );
    return [
      {
        fault,
        runningAfterMs: at === null ? null : at - from,
        disrupted,
        outputCaughtUpMs: caughtUp ? caughtUp.arrivalMs - from : null,
        frontierWindowStart: frontier,
      },
    ];
  });
}

function jobRecoveredAt(states: readonly JobStateEvent[]): { at: number | null; disrupted: boolean } {
  const firstDisrupted = states.findIndex((e) => !isFullyRunning(e));
  const after = firstDisrupted === -1 ? states : states.slice(firstDisrupted);
  return { at: after.find(isFullyRunning)?.t ?? null, disrupted: firstDisrupted !== -1 };
}

/** Well-formed output by arrival time. */
function windowArrivals(history: History): { arrivalMs: number; windowStart: number }[] {
  return byTime(
    history.output.flatMap((r) => {
      const d = decodeWindowCount(r, history.ledger.windowMs);
      return d.ok ? [{ t: r.arrivalMs, arrivalMs: r.arrivalMs, windowStart: d.value.windowStart }] : [];
    }),
  );
}
