import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GENERATOR_SPEEDUP } from '../../faults/schedule/commands/wait-windows.js';
import { declaredInputTime } from './own-job-schedule.js';

describe("a declared job's input time", () => {
  test('none before the first acknowledged record; then the schedule pace, from the start', () => {
    expect(declaredInputTime(1_000, 0, 2_000)).toBe(-1);
    // One second of input at the declared rate = GENERATOR_SPEEDUP seconds of input time.
    expect(declaredInputTime(1_000, 2_000, 2_000)).toBe(1_000 + GENERATOR_SPEEDUP * 1_000);
  });

  test('never goes back as input is acknowledged, and goes on with the wall clock after a bounded input ended', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e5 }), fc.integer({ min: 0, max: 1e6 }), (start, sent, rate, more) => {
        const t = declaredInputTime(start, sent, rate);
        expect(declaredInputTime(start, sent + more, rate)).toBeGreaterThanOrEqual(t);
        expect(declaredInputTime(start, sent, rate, { atMs: 10, nowMs: 10 + more })).toBe(t + more * GENERATOR_SPEEDUP);
      }),
    );
  });
});
