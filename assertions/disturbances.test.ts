import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HistoryRecorder } from '../history/recorder.js';
import type { HistoryEvent } from '../history/types.js';
import { DISTURBANCE_SLACK_MS, disturbances, disturbancesBetween } from './disturbances.js';

function recorder() {
  let now = 0;
  const r = new HistoryRecorder('t', '2.2.1', () => now);
  return { r, at: (t: number) => ((now = t), r) };
}

const RUNNING = { RUNNING: 4 };
const spans = (events: readonly HistoryEvent[]) => disturbances(events).map((d) => [d.source, d.from, d.until]);

describe('disturbances of a history', () => {
  test('the first submission and the first job’s start-up are not disturbances; a resubmission is', () => {
    const { r, at } = recorder();
    at(0).operation('submit-job-cli', 'Click Event Count', 'invoke');
    at(900).operation('submit-job-cli', 'Click Event Count', 'ok', 'job a');
    at(1000).jobState('a', 'CREATED', { CREATED: 4 });
    at(1500).jobState('a', 'RUNNING', { DEPLOYING: 2, RUNNING: 2 });
    at(2000).jobState('a', 'RUNNING', RUNNING);
    at(30_000).operation('stop-with-savepoint-cli', 'job a', 'invoke');
    at(31_000).jobState('a', 'FINISHED', { FINISHED: 4 });
    at(32_000).operation('stop-with-savepoint-cli', 'job a', 'ok');
    at(40_000).operation('submit-job-rest', 'Click Event Count from savepoint-1', 'invoke');
    at(41_000).operation('submit-job-rest', 'Click Event Count from savepoint-1', 'ok');
    at(41_500).jobState('b', 'INITIALIZING', {});
    at(43_000).jobState('b', 'RUNNING', RUNNING);
    expect(spans(r.events)).toEqual([
      ['operation', 30_000, 32_000],
      ['job-state', 31_000, 31_000],
      ['operation', 40_000, 41_000],
      ['job-state', 41_500, 43_000],
    ]);
  });

  test('a fault lasts from invoke to ok; a kill or pause is held until the TaskManager is back', () => {
    const { r, at } = recorder();
    at(100).fault('kill-taskmanager', 'tm-1', 'invoke');
    at(300).fault('kill-taskmanager', 'tm-1', 'ok');
    at(9_000).operation('start-taskmanager', 'tm-1', 'invoke');
    at(12_000).operation('start-taskmanager', 'tm-1', 'ok');
    at(20_000).fault('pause-taskmanager', 'tm-2', 'invoke');
    at(20_100).fault('pause-taskmanager', 'tm-2', 'ok');
    at(30_000).operation('unpause-taskmanager', 'tm-2', 'invoke');
    at(30_050).operation('unpause-taskmanager', 'tm-2', 'ok');
    at(40_000).fault('restart-kafka', 'kafka', 'invoke');
    at(40_000).note('the harness died before the broker came back');
    expect(spans(r.events)).toEqual([
      ['fault', 100, 12_000],
      ['operation', 9_000, 12_000],
      ['fault', 20_000, 30_050],
      ['operation', 30_000, 30_050],
      ['fault', 40_000, Infinity],
    ]);
  });

  test('a job that restarts is disturbed until it runs fully again; Flink’s restores and exceptions are points', () => {
    const { r, at } = recorder();
    at(1_000).jobState('a', 'RUNNING', RUNNING);
    at(5_000).jobState('a', 'RESTARTING', { CANCELED: 4 });
    at(6_000).jobState('a', 'RUNNING', { SCHEDULED: 4 });
    at(8_000).jobState('a', 'RUNNING', RUNNING);
    at(20_000).jobState('a', 'FAILING', { RUNNING: 3, FAILED: 1 });
    const events: HistoryEvent[] = [
      ...r.events,
      { t: 60_000, kind: 'restore', jobId: 'a', checkpointId: 7, path: 'file:/c/chk-7', isSavepoint: false, restoredAt: 7_500 },
      { t: 60_000, kind: 'job-exception', jobId: 'a', timestamp: 4_900, exceptionName: 'TaskManagerLostException', location: 'tm-1:6122' },
      { t: 60_000, kind: 'metric', jobId: 'a', vertex: 'w', name: 'numLateRecordsDropped', value: 0 },
      { t: 60_000, kind: 'checkpoint', jobId: 'a', id: 8, type: 'checkpoint' },
    ];
    expect(spans(events)).toEqual([
      ['job-exception', 4_900, 4_900],
      ['job-state', 5_000, 8_000],
      ['restore', 7_500, 7_500],
      ['job-state', 20_000, Infinity],
    ]);
  });

  test('a savepoint trigger or a metrics read is no disturbance', () => {
    const { r, at } = recorder();
    at(10).operation('trigger-savepoint', 'job a', 'invoke');
    at(20).operation('trigger-savepoint', 'job a', 'ok');
    at(30).operation('read-metrics', 'job a', 'ok');
    expect(disturbances(r.events)).toEqual([]);
  });

  test('the order events are recorded in does not matter (ties aside)', () => {
    const eventArb = fc.oneof(
      fc.record({
        kind: fc.constant('fault' as const),
        name: fc.constantFrom('kill-taskmanager', 'pause-taskmanager', 'restart-kafka'),
        target: fc.constantFrom('tm-1', 'tm-2'),
        phase: fc.constantFrom('invoke' as const, 'ok' as const, 'fail' as const),
      }),
      fc.record({
        kind: fc.constant('operation' as const),
        name: fc.constantFrom('submit-job-cli', 'start-taskmanager', 'unpause-taskmanager', 'read-metrics'),
        target: fc.constantFrom('tm-1', 'tm-2'),
        phase: fc.constantFrom('invoke' as const, 'ok' as const),
      }),
      fc.record({
        kind: fc.constant('job-state' as const),
        jobId: fc.constantFrom('a', 'b'),
        state: fc.constantFrom('CREATED', 'RUNNING', 'RESTARTING', 'FINISHED'),
        tasks: fc.constantFrom(RUNNING, { SCHEDULED: 4 }),
      }),
    );
    const historyArb = fc
      .uniqueArray(fc.nat({ max: 100_000 }), { maxLength: 20 })
      .chain((times) => fc.tuple(...times.map((t) => eventArb.map((e) => ({ ...e, t }) as HistoryEvent))))
      .chain((events) => fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }).map((shuffled) => ({ events, shuffled })));
    fc.assert(
      fc.property(historyArb, ({ events, shuffled }) => {
        const sorted = [...events].sort((a, b) => a.t - b.t);
        expect(disturbances(shuffled)).toEqual(disturbances(sorted));
        for (const d of disturbances(sorted)) expect(d.until).toBeGreaterThanOrEqual(d.from);
      }),
    );
  });
});

describe('disturbancesBetween', () => {
  const d = { from: 10_000, until: 11_000, source: 'fault' as const, what: 'fault kill-taskmanager tm-1' };
  test('a disturbance counts when it reaches, with the slack, into the stretch between the writes', () => {
    const between = (a: number, b: number, lagMs = 0) => disturbancesBetween([d], { writtenMs: a, lagMs }, { writtenMs: b }).length > 0;
    expect(between(9_000, 12_000)).toBe(true);
    expect(between(0, 9_000)).toBe(true); // starts within the slack after the second write
    expect(between(0, 10_000 - DISTURBANCE_SLACK_MS - 1)).toBe(false);
    expect(between(11_000 + DISTURBANCE_SLACK_MS, 20_000)).toBe(true);
    expect(between(11_000 + DISTURBANCE_SLACK_MS + 1, 20_000)).toBe(false);
    // A write known only by its arrival may have happened lagMs earlier.
    expect(between(11_000 + DISTURBANCE_SLACK_MS + 1, 20_000, 5_000)).toBe(true);
  });
});
