import { expect, test } from 'vitest';
import type { HistoryEvent } from '../history/types.js';
import { timelineRows } from './timeline.js';

test('repeated polls and uninterrupted generator progress collapse into one row each', () => {
  const running = { RUNNING: 2, FAILED: 0 };
  const events: HistoryEvent[] = [
    { t: 0, kind: 'job-state', jobId: 'j', state: 'RUNNING', tasks: running },
    { t: 1, kind: 'generator', total: 10, maxTimestampMs: 0 },
    { t: 2, kind: 'job-state', jobId: 'j', state: 'RUNNING', tasks: running },
    { t: 3, kind: 'generator', total: 20, maxTimestampMs: 0 },
    { t: 4, kind: 'fault', name: 'pause', target: 'tm', phase: 'invoke' },
    { t: 5, kind: 'job-state', jobId: 'j', state: 'RUNNING', tasks: running },
    { t: 6, kind: 'job-state', jobId: 'j', state: 'FAILING', tasks: running },
    { t: 7, kind: 'checkpoint', jobId: 'j', id: 3, type: 'savepoint', path: 'file:///sp', sizeBytes: 10 },
  ];
  expect(timelineRows(events).map((r) => [r.t, r.until, r.repeats, r.what, r.detail])).toEqual([
    [0, 5, 3, 'RUNNING', 'tasks RUNNING 2 (job j)'],
    [1, 3, 2, 'acknowledged', 'total 20, max event time 1970-01-01T00:00:00.000Z'],
    [4, 4, 1, 'pause tm: invoke', ''],
    [6, 6, 1, 'FAILING', 'tasks RUNNING 2 (job j)'],
    [7, 7, 1, 'savepoint 3', 'job j, file:///sp, 10 bytes'],
  ]);
});
