import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  applyHeal,
  availableSlots,
  describeAction,
  healPlan,
  initialModel,
  jobExpectation,
  killedTaskManagers,
  precondition,
  predictsFailover,
  resolveTaskManager,
  runningTaskManagers,
  transition,
  type Action,
  type ScheduleModel,
} from './model.js';
import { actionArbitraries } from './schedule-arbitrary.js';

const start = (parallelism = 1) => initialModel({ taskManagers: 1, slotsPerTaskManager: 2, parallelism });
const anyAction: fc.Arbitrary<Action> = fc.oneof(...(Object.values(actionArbitraries) as fc.Arbitrary<Action>[]));

/** Runs actions whose precondition holds, like fast-check's model runner. */
function play(m: ScheduleModel, actions: Action[]): ScheduleModel {
  for (const a of actions) if (precondition(m, a)) m = transition(m, a, a.kind === 'savepoint-resume' ? `sp-${m.steps}` : undefined);
  return m;
}

describe('schedule model', () => {
  test.prop([fc.array(anyAction, { maxLength: 8 }), fc.nat(10)])('a step that chose its TaskManager itself (one hosting tasks) resolves to it in the model by its position among the running ones', (before, k) => {
    const m = play(start(), before);
    const running = runningTaskManagers(m);
    if (running.length === 0) return;
    const chosen = running[k % running.length]!;
    expect(resolveTaskManager(m, { kind: 'kill-taskmanager-during', during: 'restore', pick: running.indexOf(chosen) })).toBe(chosen);
  });

  test.prop([fc.array(anyAction, { maxLength: 8 }), fc.constantFrom('stop', 'restore', 'checkpoint' as const), fc.nat(5), fc.boolean()])(
    'a kill during a lifecycle operation needs a running job; it kills one TaskManager, keeps the parallelism, and a resume counts a submission and a savepoint',
    (before, during, p, stopCompleted) => {
      const m = play(start(), before);
      const a: Action = { kind: 'kill-taskmanager-during', during, pick: p };
      expect(precondition(m, a)).toBe(jobExpectation(m) === 'running' && runningTaskManagers(m).length > 0);
      if (!precondition(m, a)) return;
      const savepoint = during === 'restore' || (during === 'stop' && stopCompleted) ? 'sp' : undefined;
      const next = transition(m, a, savepoint);
      expect(killedTaskManagers(next)).toEqual([...killedTaskManagers(m), resolveTaskManager(m, a)!].sort((x, y) => x - y));
      expect(next.job.parallelism).toBe(m.job.parallelism);
      expect(next.job.submissions).toBe(m.job.submissions + (savepoint ? 1 : 0));
      expect(next.savepoints.length).toBe(m.savepoints.length + (savepoint ? 1 : 0));
      expect(predictsFailover(a, true)).toBe(true);
      expect(describeAction(a)).toBe(`kill-taskmanager-during(${during}, pick ${p})`);
    },
  );

  test('one TaskManager with two slots runs a job of parallelism 1 or 2, not 3', () => {
    expect(jobExpectation(start(1))).toBe('running');
    expect(jobExpectation(start(2))).toBe('running');
    expect(jobExpectation(start(3))).toBe('starved');
    expect(availableSlots(start())).toBe(2);
  });

  test('killing the only TaskManager starves the job; starting it again runs it', () => {
    const killed = transition(start(), { kind: 'kill-taskmanager', pick: 0, timing: 'now' });
    expect(killed.taskManagers).toEqual(['killed']);
    expect(jobExpectation(killed)).toBe('starved');
    expect(precondition(killed, { kind: 'kill-taskmanager', pick: 0, timing: 'now' })).toBe(false);
    expect(precondition(killed, { kind: 'pause-taskmanager', pick: 1, seconds: 2, timing: 'now' })).toBe(false);
    // A savepoint needs the job running.
    expect(precondition(killed, { kind: 'savepoint-resume', via: 'cli', parallelism: 1 })).toBe(false);
    const started = transition(killed, { kind: 'start-taskmanager', pick: 5 });
    expect(started.taskManagers).toEqual(['running']);
    expect(jobExpectation(started)).toBe('running');
  });

  test('picks resolve among the eligible TaskManagers, modulo their number', () => {
    let m = transition(start(), { kind: 'scale-taskmanagers', count: 3 });
    m = transition(m, { kind: 'kill-taskmanager', pick: 1, timing: 'now' });
    expect(m.taskManagers).toEqual(['running', 'killed', 'running']);
    expect(resolveTaskManager(m, { kind: 'kill-taskmanager', pick: 1, timing: 'now' })).toBe(2);
    expect(resolveTaskManager(m, { kind: 'kill-taskmanager', pick: 2, timing: 'now' })).toBe(0);
    expect(resolveTaskManager(m, { kind: 'start-taskmanager', pick: 2 })).toBe(1);
  });

  test('scaling removes the newest TaskManagers, killed or not, and adds running ones', () => {
    let m = transition(start(), { kind: 'scale-taskmanagers', count: 3 });
    m = transition(m, { kind: 'kill-taskmanager', pick: 2, timing: 'now' });
    expect(m.taskManagers).toEqual(['running', 'running', 'killed']);
    expect(transition(m, { kind: 'scale-taskmanagers', count: 2 }).taskManagers).toEqual(['running', 'running']);
    m = transition(m, { kind: 'kill-taskmanager', pick: 0, timing: 'now' });
    expect(transition(m, { kind: 'scale-taskmanagers', count: 1 }).taskManagers).toEqual(['killed']);
    expect(precondition(m, { kind: 'scale-taskmanagers', count: 3 })).toBe(false); // already 3
  });

  test('resuming with a parallelism above the slots predicts a job waiting for slots', () => {
    const m = transition(start(2), { kind: 'savepoint-resume', via: 'rest', parallelism: 4 }, 'file:/sp/1');
    expect(m.job).toEqual({ parallelism: 4, submissions: 2 });
    expect(m.savepoints).toEqual(['file:/sp/1']);
    expect(jobExpectation(m)).toBe('starved');
    expect(healPlan(m)).toEqual({ start: [], scaleTo: 2 });
    expect(jobExpectation(applyHeal(m))).toBe('running');
  });

  test('failover predictions: a kill or a long freeze of a TaskManager with tasks; never without tasks', () => {
    expect(predictsFailover({ kind: 'kill-taskmanager', pick: 0, timing: 'now' }, true)).toBe(true);
    expect(predictsFailover({ kind: 'kill-taskmanager', pick: 0, timing: 'now' }, false)).toBe(false);
    expect(predictsFailover({ kind: 'pause-taskmanager', pick: 0, seconds: 10, timing: 'now' }, true)).toBe(true);
    expect(predictsFailover({ kind: 'pause-taskmanager', pick: 0, seconds: 2, timing: 'now' }, true)).toBe(false);
    expect(predictsFailover({ kind: 'scale-taskmanagers', count: 1 }, true)).toBe(true);
    expect(predictsFailover({ kind: 'restart-kafka' }, true)).toBe(false);
  });

  test('every action has a readable description', () => {
    expect(describeAction({ kind: 'pause-taskmanager', pick: 1, seconds: 8, timing: 'mid-window' })).toBe('pause-taskmanager(pick 1, 8 s, mid-window)');
    expect(describeAction({ kind: 'savepoint-resume', via: 'cli', parallelism: 3 })).toBe('savepoint-resume(cli, p=3)');
    expect(describeAction({ kind: 'wait-windows', windows: 2 })).toBe('wait-windows(2)');
  });

  test.prop([fc.integer({ min: 1, max: 2 }), fc.array(anyAction, { maxLength: 30 })])(
    'invariants: 1..3 TaskManagers, parallelism 1..4, heal always yields a running job',
    (p, actions) => {
      const m = play(start(p), actions);
      expect(m.taskManagers.length).toBeGreaterThanOrEqual(1);
      expect(m.taskManagers.length).toBeLessThanOrEqual(3);
      expect(m.job.parallelism).toBeGreaterThanOrEqual(1);
      expect(m.job.parallelism).toBeLessThanOrEqual(4);
      expect(runningTaskManagers(m).length + killedTaskManagers(m).length).toBe(m.taskManagers.length);
      expect(m.job.submissions).toBe(1 + m.savepoints.length);
      const healed = applyHeal(m);
      expect(killedTaskManagers(healed)).toEqual([]);
      expect(jobExpectation(healed)).toBe('running');
    },
  );

  test.prop([fc.integer({ min: 1, max: 2 }), fc.array(anyAction, { maxLength: 30 })])('transition never mutates the model it is given', (p, actions) => {
    let m = start(p);
    for (const a of actions) {
      if (!precondition(m, a)) continue;
      const frozen = structuredClone(m);
      transition(m, a);
      expect(m).toEqual(frozen);
      m = transition(m, a);
    }
  });
});
