import { expect } from 'vitest';
import type { ClickGenerator } from '../../workload/click-generator.js';
import type { Scenario } from './scenario.js';

/**
 * Phase 1 of a two-phase input, as the stop/outage/upgrade scenarios use it:
 * `phase1Windows` complete windows are written while the job runs, then the
 * generator holds without closing the last of them (that window's count lives
 * only in the job's state), and the output of the closed ones must arrive.
 * `resume()` on the returned generator writes phase 2.
 */
export async function writePhaseOne(s: Scenario, windows: number, phase1Windows: number, what: string): Promise<ClickGenerator> {
  const generator = s.generator({ mode: 'fast', windows, pauseAfterWindows: [phase1Windows] });
  generator.start();
  await generator.paused();
  expect(await s.settle(120_000), what).toBe(true);
  return generator;
}
