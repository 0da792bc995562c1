import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { PAGES, WINDOW_MS } from '../history/types.js';
import { clickAt, EVENTS_PER_WINDOW, partitionOf } from './click-event.js';
import { Ledger } from './ledger.js';

describe('click sequence', () => {
  test.prop([fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 4 })])(
    'timestamps never decrease within a partition',
    (i, partitions) => {
      const a = clickAt(i, 0);
      const j = i + PAGES.length * partitions; // next event of the same page on the same partition
      expect(partitionOf(j, partitions)).toBe(partitionOf(i, partitions));
      expect(clickAt(j, 0).timestamp).toBeGreaterThan(a.timestamp);
    },
  );

  test.prop([fc.integer({ min: 1, max: 6 })])('a window holds exactly 1000 events per page', (windows) => {
    const ledger = new Ledger(2);
    for (let i = 0; i < windows * EVENTS_PER_WINDOW; i++) ledger.acknowledge([clickAt(i, 0)], partitionOf(i, 2));
    const snap = ledger.snapshot();
    expect(Object.keys(snap.acknowledged)).toHaveLength(windows);
    for (const pages of Object.values(snap.acknowledged)) {
      expect(pages).toEqual(Object.fromEntries(PAGES.map((p) => [p, 1000])));
    }
  });
});

describe('closedThroughMs', () => {
  test('a window closes only when every partition is past its end plus out-of-orderness', () => {
    const ledger = new Ledger(2);
    ledger.acknowledge([{ timestamp: WINDOW_MS + 5_000, page: '/help' }], 0);
    expect(ledger.closedThroughMs()).toBe(0);
    ledger.acknowledge([{ timestamp: WINDOW_MS + 100, page: '/help' }], 1);
    expect(ledger.closedThroughMs()).toBe(0); // 100 ms past the end < 200 ms out-of-orderness
    ledger.acknowledge([{ timestamp: WINDOW_MS + 200, page: '/help' }], 1);
    expect(ledger.closedThroughMs()).toBe(WINDOW_MS);
  });
});
