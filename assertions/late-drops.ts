// Event time: the window operator counts the records it dropped because their
// window had already fired (Flink's numLateRecordsDropped). The job allows no
// lateness, so every such record is a click missing from some window; any
// value above 0 fails the run, whatever the counts look like (a drop in a
// window past the horizon would otherwise go unseen).
//
// The readings are 'metric' history events (summed over subtasks by whoever
// read them). A counter starts at 0 with every job execution, so the run's
// figure is the largest reading per job and vertex, summed.
import type { HistoryEvent } from '../history/types.js';
import type { LateDropsReading, Problem } from './verdict.js';

export const LATE_DROPS_METRIC = 'numLateRecordsDropped';

/** The numLateRecordsDropped readings of a history, in time order (Flink may prefix the name with a scope). */
export function lateDropsReadings(events: readonly HistoryEvent[]): LateDropsReading[] {
  return events
    .flatMap((e) =>
      e.kind === 'metric' && (e.name === LATE_DROPS_METRIC || e.name.endsWith(`.${LATE_DROPS_METRIC}`))
        ? [{ jobId: e.jobId, vertex: e.vertex, value: e.value, t: e.t }]
        : [],
    )
    .sort((a, b) => a.t - b.t);
}

/** Total late drops over the readings; null when there is no usable reading. */
export function lateDropsTotal(readings: readonly LateDropsReading[] | undefined): number | null {
  const usable = (readings ?? []).filter((r) => Number.isFinite(r.value) && r.value >= 0);
  if (usable.length === 0) return null;
  const max = new Map<string, number>();
  for (const r of usable) {
    const k = `${r.jobId}\u0000${r.vertex}`;
    max.set(k, Math.max(max.get(k) ?? 0, r.value));
  }
  return [...max.values()].reduce((a, b) => a + b, 0);
}

export function judgeLateDrops(readings: readonly LateDropsReading[] | undefined): Problem[] {
  const dropped = lateDropsTotal(readings);
  if (dropped === null) {
    return [{ kind: 'late-drops-unread', severity: 'info', reason: `no ${LATE_DROPS_METRIC} reading of the window operator in the history` }];
  }
  if (dropped === 0) return [];
  return [{ kind: 'late-records-dropped', severity: 'failure', dropped, readings: (readings ?? []).filter((r) => r.value > 0) }];
}
