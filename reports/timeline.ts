// A scenario's events as table rows a person can scan. Pollers record the
// same job state every second; a row is kept only when something changed,
// with how often and until when it was seen again.
import { byTime } from '../history/fault-occurrences.js';
import type { HistoryEvent } from '../history/types.js';

export interface TimelineRow {
  t: number;
  /** Last time the row was seen again (job-state polls, generator progress). */
  until: number;
  repeats: number;
  kind: HistoryEvent['kind'];
  what: string;
  detail: string;
}

export function timelineRows(events: readonly HistoryEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastJobState: { row: TimelineRow; key: string } | undefined;
  for (const e of byTime(events)) {
    const previous = rows.at(-1);
    if (e.kind === 'job-state') {
      const key = JSON.stringify([e.jobId, e.state, e.tasks]);
      if (lastJobState?.key === key) {
        seenAgain(lastJobState.row, e.t);
        continue;
      }
      const row = newRow(e, e.state, `${nonZero(e.tasks)} (job ${e.jobId})`);
      lastJobState = { row, key };
      rows.push(row);
    } else if (e.kind === 'generator') {
      const detail = `total ${e.total}, max event time ${new Date(e.maxTimestampMs).toISOString()}`;
      if (previous?.kind === 'generator') {
        // Progress while nothing else happened: one row, showing the latest figures.
        seenAgain(previous, e.t);
        previous.detail = detail;
      } else rows.push(newRow(e, 'acknowledged', detail));
    } else rows.push(describe(e));
  }
  return rows;
}

function describe(e: Exclude<HistoryEvent, { kind: 'job-state' | 'generator' }>): TimelineRow {
  switch (e.kind) {
    case 'fault':
    case 'operation':
      return newRow(e, `${e.name} ${e.target}: ${e.phase}`, e.detail ?? '');
    case 'checkpoint': {
      const extra = [e.path, e.sizeBytes === undefined ? undefined : `${e.sizeBytes} bytes`].filter(Boolean).join(', ');
      return newRow(e, `${e.type} ${e.id}`, `job ${e.jobId}${extra ? `, ${extra}` : ''}`);
    }
    case 'note':
      return newRow(e, e.text, '');
    case 'job-exception':
      return newRow(e, `exception ${e.exceptionName}`, [e.taskName, e.location ?? e.taskManagerId].filter(Boolean).join(' on '));
    case 'restore':
      return newRow(e, `restored ${e.isSavepoint ? 'savepoint' : 'checkpoint'} ${e.checkpointId}`, e.path);
    case 'metric':
      return newRow(e, `${e.name} = ${e.value}`, e.vertex);
    case 'log-evidence':
      return newRow(e, `${e.node}: ${e.what}`, e.line);
    case 'check':
      return newRow(e, `check ${e.name}: ${e.ok ? 'ok' : 'FAILED'}`, e.detail);
  }
}

function newRow(e: HistoryEvent, what: string, detail: string): TimelineRow {
  return { t: e.t, until: e.t, repeats: 1, kind: e.kind, what, detail };
}

function seenAgain(row: TimelineRow, t: number): void {
  row.repeats++;
  row.until = t;
}

function nonZero(tasks: Record<string, number>): string {
  const parts = Object.entries(tasks)
    .filter(([, n]) => n !== 0)
    .map(([state, n]) => `${state} ${n}`);
  return parts.length > 0 ? `tasks ${parts.join(', ')}` : 'no tasks';
}
