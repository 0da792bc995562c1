import { describe, expect, test } from 'vitest';
import { judge } from '../../assertions/oracle.js';
import { encodeValue } from '../../assertions/test-support/clicks.js';
import { WINDOW_MS, type History } from '../../history/types.js';
import { pageNames } from '../../workload/click-event.js';
import { MAX_HEATMAP_PAGES, windowHeatmapChart } from './window-heatmap-chart.js';

describe('window heatmap at scale', () => {
  test('a run of 1,000 pages draws MAX_HEATMAP_PAGES of them, the page with a finding among them', () => {
    const pages = pageNames(1_000);
    const acknowledged = { '0': Object.fromEntries(pages.map((p) => [p, 5])) };
    const ledger = { windowMs: WINDOW_MS, pages, acknowledged, total: 5_000, maxTimestampMs: WINDOW_MS + 1_000, closedThroughMs: WINDOW_MS };
    // Page 999 is missing from the output.
    const output = pages.slice(0, -1).map((page, i) => ({ partition: 0, offset: String(i), value: encodeValue({ windowStart: 0, page, count: 5 }), arrivalMs: i }));
    const history: History = { scenario: 'scale', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [], ledger, output };
    const verdict = judge(ledger, output, { sink: 'at-least-once', time: 'event-time' }, { disturbances: [] });
    const spec = windowHeatmapChart(history, verdict) as unknown as { title: string; data: { values: { page: string; status: string }[] } };
    const drawn = new Set(spec.data.values.map((c) => c.page));
    expect(drawn.size).toBe(MAX_HEATMAP_PAGES);
    expect(spec.data.values.find((c) => c.page === pages[999])?.status).toBe('missing');
    expect(spec.title).toMatch(/60 of 1000 pages/);
  });
});
