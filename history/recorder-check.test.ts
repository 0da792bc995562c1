import { describe, expect, test } from 'vitest';
import { HistoryRecorder } from './recorder.js';

describe('history: check events', () => {
  test('a check is stamped with the clock, keeps its data, and cannot follow a finished history', () => {
    let now = 5;
    const h = new HistoryRecorder('s', '2.2.1', () => now);
    h.check('fence', true, 'stopped', { jobs: ['j'] });
    now = 6;
    h.check('eos-lso', false, 'below');
    expect(h.events).toEqual([
      { t: 5, kind: 'check', name: 'fence', ok: true, detail: 'stopped', data: { jobs: ['j'] } },
      { t: 6, kind: 'check', name: 'eos-lso', ok: false, detail: 'below' },
    ]);
    h.finish({ windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 }, []);
    expect(() => h.check('late', true, '')).toThrow(/already finished/);
  });
});
