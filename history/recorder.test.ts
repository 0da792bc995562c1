import { describe, expect, test } from 'vitest';
import { HistoryRecorder } from './recorder.js';
import { scriptedRecorder } from './test-support/scripted-history.js';
import type { GeneratorLedger } from './types.js';

const ledger: GeneratorLedger = { windowMs: 15_000, pages: ['/help'], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };

describe('HistoryRecorder', () => {
  test('stamps every event with the clock and keeps them in order', () => {
    const { at } = scriptedRecorder(100);
    at(110).fault('kill', 'taskmanager-1', 'invoke');
    at(120).fault('kill', 'taskmanager-1', 'ok', 'SIGKILL');
    at(130).operation('savepoint', 'job', 'invoke');
    const tasks = { RUNNING: 2 };
    at(140).jobState('j1', 'RUNNING', tasks);
    tasks.RUNNING = 0; // the recorder copied it
    at(150).checkpoint('j1', 7, 'savepoint', { path: 'file:///sp/7', sizeBytes: undefined });
    at(160).generator(6000, 14_999);
    at(170).note('done');
    const history = at(200).finish(ledger, []);
    expect(history).toMatchObject({ scenario: 'scripted', flinkVersion: '2.1.1', startedAt: 100, endedAt: 200 });
    expect(history.events).toEqual([
      { t: 110, kind: 'fault', name: 'kill', target: 'taskmanager-1', phase: 'invoke' },
      { t: 120, kind: 'fault', name: 'kill', target: 'taskmanager-1', phase: 'ok', detail: 'SIGKILL' },
      { t: 130, kind: 'operation', name: 'savepoint', target: 'job', phase: 'invoke' },
      { t: 140, kind: 'job-state', jobId: 'j1', state: 'RUNNING', tasks: { RUNNING: 2 } },
      { t: 150, kind: 'checkpoint', jobId: 'j1', id: 7, type: 'savepoint', path: 'file:///sp/7' },
      { t: 160, kind: 'generator', total: 6000, maxTimestampMs: 14_999 },
      { t: 170, kind: 'note', text: 'done' },
    ]);
  });

  test("evidence events: Flink's exception entries, restores, metrics, log lines at their own time", () => {
    const { at } = scriptedRecorder(100);
    at(110).jobException({ jobId: 'j1', timestamp: 105, exceptionName: 'java.util.concurrent.TimeoutException', taskManagerId: 'tm-1', location: undefined });
    at(120).restore({ jobId: 'j1', checkpointId: 7, path: 'file:/cp/chk-7', isSavepoint: false, restoredAt: 118 });
    at(130).metric('j1', 'ClickEvent Source', 'numRecordsOut', 42);
    at(140).logEvidence('tm-1', 'kafka-client-error', 'WARN ... could not be established', 95);
    expect(at(200).finish(ledger, []).events).toEqual([
      { t: 110, kind: 'job-exception', jobId: 'j1', timestamp: 105, exceptionName: 'java.util.concurrent.TimeoutException', taskManagerId: 'tm-1' },
      { t: 120, kind: 'restore', jobId: 'j1', checkpointId: 7, path: 'file:/cp/chk-7', isSavepoint: false, restoredAt: 118 },
      { t: 130, kind: 'metric', jobId: 'j1', vertex: 'ClickEvent Source', name: 'numRecordsOut', value: 42 },
      { t: 95, kind: 'log-evidence', node: 'tm-1', what: 'kafka-client-error', line: 'WARN ... could not be established' },
    ]);
  });

  test('a finished history cannot grow', () => {
    const recorder = new HistoryRecorder('s', '1.20.3');
    recorder.finish(ledger, []);
    expect(() => recorder.note('late')).toThrow(/already finished/);
    expect(() => recorder.finish(ledger, [])).toThrow(/already finished/);
  });

  test('defaults to the wall clock', () => {
    const before = Date.now();
    const e = new HistoryRecorder('s', '2.1.1').note('now');
    expect(e.t).toBeGreaterThanOrEqual(before);
  });
});
