// A recorder on a hand-set clock, for tests that need exact times.
import { HistoryRecorder } from '../recorder.js';
import type { OutputRecord } from '../types.js';

export function scriptedRecorder(startMs = 0): { recorder: HistoryRecorder; at: (ms: number) => HistoryRecorder } {
  let now = startMs;
  const recorder = new HistoryRecorder('scripted', '2.1.1', () => now);
  return {
    recorder,
    at(ms: number) {
      now = ms;
      return recorder;
    },
  };
}

export function windowRecord(windowStart: number, page: string, count: number, arrivalMs: number, offset: number): OutputRecord {
  const json = JSON.stringify({ windowStart, windowEnd: windowStart + 15_000, page, count });
  return { partition: 0, offset: String(offset), value: new TextEncoder().encode(json), arrivalMs };
}

export const ALL_RUNNING = { CREATED: 0, SCHEDULED: 0, DEPLOYING: 0, RUNNING: 2, FINISHED: 0, CANCELING: 0, FAILED: 0 };
export const RESTARTING = { ...ALL_RUNNING, RUNNING: 0, CANCELING: 2 };
export const DEPLOYING = { ...ALL_RUNNING, RUNNING: 1, DEPLOYING: 1 };
