import { type GeneratorLedger, PAGES, WINDOW_MS } from '../history/types.js';
import type { ClickEvent } from './click-event.js';

/** Out-of-orderness the job's WatermarkStrategy allows (ms). */
export const MAX_OUT_OF_ORDERNESS_MS = 200;

/**
 * Counts what Kafka acknowledged, per window and page, and per partition the
 * largest timestamp: the job's watermark can pass a window's end only once
 * every partition has an event beyond end + out-of-orderness.
 */
export class Ledger {
  private readonly acknowledged = new Map<number, Map<string, number>>();
  private readonly partitionMax: number[];
  private total = 0;
  private maxTimestamp = -1;

  constructor(
    readonly partitions: number,
    /** The pages the generator emits (the snapshot's `pages`); the playground's six by default. */
    private readonly pages: readonly string[] = PAGES,
  ) {
    this.partitionMax = Array.from({ length: partitions }, () => -1);
  }

  /** Record events after Kafka acknowledged them (never before). */
  acknowledge(events: readonly ClickEvent[], partition: number): void {
    for (const e of events) {
      const start = Math.floor(e.timestamp / WINDOW_MS) * WINDOW_MS;
      let pages = this.acknowledged.get(start);
      if (!pages) this.acknowledged.set(start, (pages = new Map()));
      pages.set(e.page, (pages.get(e.page) ?? 0) + 1);
      this.partitionMax[partition] = Math.max(this.partitionMax[partition]!, e.timestamp);
      this.maxTimestamp = Math.max(this.maxTimestamp, e.timestamp);
      this.total++;
    }
  }

  /**
   * How far the generator got, in constant time: what a progress line or a
   * wait needs. snapshot() copies every window x page, O(keys x windows).
   */
  progress(): { total: number; maxTimestampMs: number } {
    return { total: this.total, maxTimestampMs: this.maxTimestamp };
  }

  /** Largest window end that the watermark closes given what every partition holds. */
  closedThroughMs(): number {
    const slowest = Math.min(...this.partitionMax);
    if (slowest < 0) return 0;
    // A window [s, e) fires when the watermark (max ts - ooo - 1) reaches e - 1.
    return Math.max(0, Math.floor((slowest - MAX_OUT_OF_ORDERNESS_MS) / WINDOW_MS) * WINDOW_MS);
  }

  snapshot(): GeneratorLedger {
    const acknowledged: GeneratorLedger['acknowledged'] = {};
    for (const [start, pages] of [...this.acknowledged].sort((a, b) => a[0] - b[0])) {
      acknowledged[String(start)] = Object.fromEntries(pages);
    }
    return {
      windowMs: WINDOW_MS,
      pages: this.pages,
      acknowledged,
      total: this.total,
      maxTimestampMs: this.maxTimestamp,
      closedThroughMs: this.closedThroughMs(),
    };
  }
}
