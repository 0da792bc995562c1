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

/**
 * How much input a run writes per window: how many pages (the job's keys) and
 * how many clicks each page gets in every 15 s window. The playground's is 6
 * pages and 1000 clicks; a real job's has as many keys as fill all 128 key groups.
 */
export interface WorkloadShape {
  keys: number;
  eventsPerKeyPerWindow: number;
}

export const PLAYGROUND_SHAPE: WorkloadShape = { keys: PAGES.length, eventsPerKeyPerWindow: EVENTS_PER_PAGE_PER_WINDOW };

/** Why a shape cannot be generated (empty: it can). */
export function shapeProblems(shape: WorkloadShape): string[] {
  const problems: string[] = [];
  if (!Number.isSafeInteger(shape.keys) || shape.keys < 1) problems.push(`keys must be a positive integer (got ${shape.keys})`);
  // One click per ms at most, so ticks have distinct timestamps and each window gets exactly its count.
  if (!Number.isSafeInteger(shape.eventsPerKeyPerWindow) || shape.eventsPerKeyPerWindow < 1 || shape.eventsPerKeyPerWindow > WINDOW_MS) {
    problems.push(`events per key per window must be an integer from 1 to ${WINDOW_MS} (got ${shape.eventsPerKeyPerWindow})`);
  }
  return problems;
}

/**
 * The generator's sequence for any shape, computed from the index alone (no
 * per-event state, so a run of any length takes constant memory). Event i is
 * page i mod keys at tick i div keys; a window holds eventsPerKeyPerWindow
 * ticks, spread evenly over its 15 s. For the playground's shape it is
 * exactly clickAt/partitionOf above (a tick every 15 ms).
 */
export class ClickSequence {
  readonly keys: number;
  readonly eventsPerKeyPerWindow: number;
  /** Events in one complete window: keys x events per key. */
  readonly eventsPerWindow: number;
  private readonly pages: readonly string[];

  constructor(
    shape: WorkloadShape,
    readonly startMs = 0,
  ) {
    const problems = shapeProblems(shape);
    if (problems.length > 0) throw new Error(`workload shape: ${problems.join('; ')}`);
    this.keys = shape.keys;
    this.eventsPerKeyPerWindow = shape.eventsPerKeyPerWindow;
    this.eventsPerWindow = shape.keys * shape.eventsPerKeyPerWindow;
    this.pages = pageNames(shape.keys);
  }

  /** Every page of the shape, in the order the sequence emits them. */
  get pageNames(): readonly string[] {
    return this.pages;
  }

  page(key: number): string {
    return this.pages[key]!;
  }

  /** Event time of tick t (ms): window t div E, then (t mod E) x 15 s / E into it. */
  tickMs(tick: number): number {
    const e = this.eventsPerKeyPerWindow;
    const window = Math.floor(tick / e);
    return this.startMs + window * WINDOW_MS + Math.floor(((tick - window * e) * WINDOW_MS) / e);
  }

  at(i: number): ClickEvent {
    return { timestamp: this.tickMs(Math.floor(i / this.keys)), page: this.pages[i % this.keys]! };
  }

  /** Ticks alternate between partitions: each partition's timestamps stay in order. */
  partitionOf(i: number, partitions: number): number {
    return Math.floor(i / this.keys) % partitions;
  }

  /** Wall ms between two ticks at the playground's pace (event time = wall time). */
  get tickWallMs(): number {
    return WINDOW_MS / this.eventsPerKeyPerWindow;
  }
}

/**
 * The playground's six pages, or for a larger shape `/pages/<n>`: names the
 * job hashes into all 128 key groups. Six keys or fewer keep the playground's names.
 */
export function pageNames(keys: number): readonly string[] {
  if (keys <= PAGES.length) return PAGES.slice(0, keys);
  return Array.from({ length: keys }, (_, k) => `/pages/${k}`);
}
