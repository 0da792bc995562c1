import { describe, expect, test } from 'vitest';
import { deriveFigures, duplicatesByFault, faultOccurrences, isFullyRunning, outputRate, recoveryTimes } from './derived.js';
import { ALL_RUNNING, DEPLOYING, RESTARTING, scriptedRecorder, windowRecord } from './test-support/scripted-history.js';
import type { GeneratorLedger, History } from './types.js';

const ledger: GeneratorLedger = { windowMs: 15_000, pages: ['/help'], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
const W = 15_000;

/** Windows 0..2 before a kill at t=10 s, replays of 1..2 and then window 3 after recovery. */
function killHistory(): History {
  const { at } = scriptedRecorder(0);
  at(1_000).jobState('j', 'RUNNING', ALL_RUNNING);
  at(10_000).fault('kill', 'taskmanager-1', 'invoke');
  at(10_200).fault('kill', 'taskmanager-1', 'ok');
  at(11_000).jobState('j', 'RUNNING', ALL_RUNNING); // the JobManager has not noticed yet
  at(13_000).jobState('j', 'RESTARTING', RESTARTING);
  at(16_000).jobState('j', 'RUNNING', DEPLOYING);
  at(18_000).jobState('j', 'RUNNING', ALL_RUNNING);
  const output = [
    windowRecord(0, '/help', 1000, 2_000, 0),
    windowRecord(W, '/help', 1000, 5_000, 1),
    windowRecord(2 * W, '/help', 1000, 8_000, 2),
    windowRecord(W, '/help', 1000, 19_000, 3), // replay
    windowRecord(2 * W, '/help', 999, 19_500, 4), // replay that disagrees
    windowRecord(3 * W, '/help', 1000, 21_000, 5),
  ];
  return at(22_000).finish(ledger, output);
}

describe('derived figures', () => {
  test('fully running means RUNNING with every other task count 0', () => {
    const e = (state: string, tasks: Record<string, number>) => ({ t: 0, kind: 'job-state' as const, jobId: 'j', state, tasks });
    expect(isFullyRunning(e('RUNNING', ALL_RUNNING))).toBe(true);
    expect(isFullyRunning(e('RUNNING', DEPLOYING))).toBe(false);
    expect(isFullyRunning(e('RESTARTING', ALL_RUNNING))).toBe(false);
    expect(isFullyRunning(e('RUNNING', { RUNNING: 0 }))).toBe(false);
  });

  test('recovery is measured from the fault ok, past the polls that had not noticed it', () => {
    const [r] = recoveryTimes(killHistory());
    expect(r).toMatchObject({ runningAfterMs: 7_800, disrupted: true, outputCaughtUpMs: 10_800, frontierWindowStart: 2 * W });
    expect(r.fault).toMatchObject({ name: 'kill', target: 'taskmanager-1', invokedAt: 10_000, okAt: 10_200 });
  });

  test('a fault the job never noticed recovers at the first fully running poll', () => {
    const { at } = scriptedRecorder(0);
    at(100).fault('pause', 'taskmanager-1', 'ok');
    at(600).jobState('j', 'RUNNING', ALL_RUNNING);
    const [r] = recoveryTimes(at(1_000).finish(ledger, []));
    expect(r).toMatchObject({ runningAfterMs: 500, disrupted: false, outputCaughtUpMs: null, frontierWindowStart: null });
  });

  test('the next fault bounds the search; a failed fault has no recovery', () => {
    const { at } = scriptedRecorder(0);
    at(100).fault('kill', 'tm-1', 'invoke');
    at(110).fault('kill', 'tm-1', 'ok');
    at(200).jobState('j', 'RESTARTING', RESTARTING);
    at(300).fault('kill', 'tm-2', 'invoke');
    at(310).fault('kill', 'tm-2', 'fail', 'no such container');
    at(400).jobState('j', 'RUNNING', ALL_RUNNING);
    const h = at(500).finish(ledger, []);
    expect(faultOccurrences(h.events).map((f) => [f.target, f.okAt, f.failedAt, f.detail])).toEqual([
      ['tm-1', 110, undefined, undefined],
      ['tm-2', undefined, 310, 'no such container'],
    ]);
    expect(recoveryTimes(h)).toEqual([expect.objectContaining({ runningAfterMs: null, disrupted: true })]);
  });

  test('output rate counts every record per bucket, gaps included', () => {
    const rate = outputRate(killHistory(), 5_000);
    expect(rate.map((b) => [b.secondsFromStart, b.records, b.perSecond])).toEqual([
      [0, 1, 0.2],
      [5, 2, 0.4],
      [10, 0, 0],
      [15, 2, 0.4],
      [20, 1, 0.2],
    ]);
  });

  test('duplicates are charged to the fault invoked before they arrived', () => {
    const rows = duplicatesByFault(killHistory());
    expect(rows.map((r) => [r.fault?.name, r.identical, r.conflicting])).toEqual([['kill', 1, 1]]);
  });

  test('repeats before any fault get their own row', () => {
    const { at } = scriptedRecorder(0);
    at(50).fault('kill', 'tm-1', 'ok');
    const output = [windowRecord(0, '/help', 5, 10, 0), windowRecord(0, '/help', 5, 20, 1), windowRecord(0, '/help', 5, 60, 2)];
    const rows = duplicatesByFault(at(100).finish(ledger, output));
    expect(rows.map((r) => [r.fault?.target ?? null, r.identical, r.conflicting])).toEqual([
      [null, 1, 0],
      ['tm-1', 1, 0],
    ]);
  });

  test('deriveFigures bundles them', () => {
    const figures = deriveFigures(killHistory());
    expect(Object.keys(figures)).toEqual(['faults', 'recoveries', 'outputRate', 'duplicatesByFault']);
    expect(figures.outputRate).toHaveLength(23);
  });
});
