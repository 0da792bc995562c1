import { PAGES, WINDOW_MS } from '../history/types.js';

/** The playground's click: `{timestamp, page}`, timestamp in epoch ms. */
export interface ClickEvent {
  timestamp: number;
  page: string;
}

/** Each page's timestamps advance by 15 ms per event: 1000 events per page per 15 s window. */
export const PAGE_STEP_MS = 15;
export const EVENTS_PER_PAGE_PER_WINDOW = WINDOW_MS / PAGE_STEP_MS;
export const EVENTS_PER_WINDOW = EVENTS_PER_PAGE_PER_WINDOW * PAGES.length;

/**
 * The i-th event of the sequence: pages in turn, all six sharing a tick, so
 * timestamps never decrease along the sequence.
 */
export function clickAt(i: number, startMs: number): ClickEvent {
  return { timestamp: startMs + Math.floor(i / PAGES.length) * PAGE_STEP_MS, page: PAGES[i % PAGES.length]! };
}

/** Ticks of six events alternate between partitions: each partition's timestamps stay in order. */
export function partitionOf(i: number, partitions: number): number {
  return Math.floor(i / PAGES.length) % partitions;
}

export const encodeClick = (e: ClickEvent) => JSON.stringify(e);
