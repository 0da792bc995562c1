// Window x page grid of the counts the job wrote (first copy), outlined where
// the verdict found something: the shape of a loss or a replay is visible at
// a glance. Statuses come from the verdict; the chart never re-judges.
import type { TopLevelSpec } from 'vega-lite';
import type { Problem, Verdict } from '../../assertions/verdict.js';
import { decodeWindowCount } from '../../history/decode-output.js';
import type { History } from '../../history/types.js';

const STATUS: Record<string, { rank: number; color: string }> = {
  missing: { rank: 0, color: '#c0392b' },
  'wrong count': { rank: 1, color: '#8e44ad' },
  conflicting: { rank: 2, color: '#d35400' },
  unexpected: { rank: 3, color: '#2c3e50' },
  duplicate: { rank: 4, color: '#f1c40f' },
  unsettled: { rank: 5, color: '#7f8c8d' },
};

interface Cell {
  windowStart: number;
  window: string;
  page: string;
  count: number | null;
  copies: number;
  status: string;
  label: string;
}

export function windowHeatmapChart(history: History, verdict?: Verdict): TopLevelSpec {
  const { cells, pages, of } = shownPages(gridCells(history, verdict), history.ledger.pages);
  const windows = new Set(cells.map((c) => c.windowStart)).size;
  const max = cells.reduce((m, c) => Math.max(m, c.count ?? 0), 1);
  const statuses = Object.keys(STATUS).filter((s) => cells.some((c) => c.status === s));
  const dense = windows > 40; // text would not fit
  return {
    title: `Counts per window and page: ${history.scenario}${pages.length < of ? ` (${pages.length} of ${of} pages: those with findings first)` : ''}`,
    data: { values: cells },
    width: { step: dense ? 12 : 64 },
    height: { step: 26 },
    encoding: {
      x: { field: 'window', type: 'ordinal', sort: { field: 'windowStart' }, title: 'window start (UTC)', axis: { labelAngle: -40 } },
      y: { field: 'page', type: 'nominal', sort: [...new Set(pages)], title: null },
    },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.count)' }],
        mark: { type: 'rect' },
        encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, max] }, title: 'count' } },
      },
      { transform: [{ filter: '!isValid(datum.count)' }], mark: { type: 'rect', color: '#eeeeee' } },
      {
        transform: [{ filter: "datum.status !== 'ok'" }],
        mark: { type: 'rect', fillOpacity: 0, strokeWidth: 2.5 },
        encoding: { stroke: { field: 'status', type: 'nominal', title: 'finding', scale: { domain: statuses, range: statuses.map((s) => STATUS[s].color) } } },
      },
      ...(dense
        ? []
        : [
            {
              mark: { type: 'text' as const, fontSize: 10 },
              encoding: {
                text: { field: 'label' },
                color: { condition: { test: `datum.count > ${max * 0.6}`, value: 'white' }, value: 'black' },
              },
            },
          ]),
    ],
  } as TopLevelSpec;
}

/** Rows a chart can show: a run at scale has 100,000 pages. */
export const MAX_HEATMAP_PAGES = 60;

/**
 * The pages to draw, in the ledger's order, and their cells: every page up to
 * MAX_HEATMAP_PAGES; beyond that the pages with a finding first, then the
 * ledger's first pages. The verdict has every finding; the chart shows a sample.
 */
function shownPages(all: Cell[], ledgerPages: readonly string[]): { cells: Cell[]; pages: string[]; of: number } {
  const order = [...new Set([...ledgerPages, ...all.map((c) => c.page)])];
  if (order.length <= MAX_HEATMAP_PAGES) return { cells: all, pages: order, of: order.length };
  const keep = new Set<string>();
  for (const c of all) if (c.status !== 'ok' && c.status !== 'unsettled' && keep.size < MAX_HEATMAP_PAGES) keep.add(c.page);
  for (const p of order) if (keep.size < MAX_HEATMAP_PAGES) keep.add(p);
  return { cells: all.filter((c) => keep.has(c.page)), pages: order.filter((p) => keep.has(p)), of: order.length };
}

function gridCells(history: History, verdict?: Verdict): Cell[] {
  const cells = new Map<string, Cell>();
  const cell = (windowStart: number, page: string): Cell => {
    const key = `${windowStart}\u0000${page}`;
    let c = cells.get(key);
    if (!c) {
      const window = new Date(windowStart).toISOString().slice(11, 19);
      cells.set(key, (c = { windowStart, window, page, count: null, copies: 0, status: 'ok', label: '–' }));
    }
    return c;
  };
  for (const [start, pages] of Object.entries(history.ledger.acknowledged)) {
    for (const [page, n] of Object.entries(pages)) if (n > 0) cell(Number(start), page);
  }
  for (const r of history.output) {
    const d = decodeWindowCount(r, history.ledger.windowMs);
    if (!d.ok) continue;
    const c = cell(d.value.windowStart, d.value.page);
    if (c.count === null) c.count = d.value.count;
    c.copies++;
  }
  for (const p of verdict?.problems ?? []) {
    const status = statusOf(p);
    if (!status || !('windowStart' in p)) continue;
    const c = cell(p.windowStart, p.page);
    if (c.status === 'ok' || STATUS[status].rank < STATUS[c.status].rank) c.status = status;
  }
  for (const c of cells.values()) {
    c.label = c.count === null ? '–' : c.copies > 1 ? `${c.count} ×${c.copies}` : String(c.count);
  }
  return [...cells.values()];
}

function statusOf(p: Problem): string | undefined {
  switch (p.kind) {
    case 'missing':
      return 'missing';
    case 'wrong-count':
      return 'wrong count';
    case 'conflicting-duplicate':
      return 'conflicting';
    case 'unexpected':
      return 'unexpected';
    case 'identical-duplicate':
      return 'duplicate';
    case 'unsettled':
      return 'unsettled';
    default:
      return undefined;
  }
}
