// Which settled (window, page) keys the output holds so far, read
// incrementally: each record is decoded once, however often a wait polls.
// Re-decoding the whole output on every poll is O(records x polls), which at
// 100,000 pages per window is seconds per poll.
import { acknowledgedKeys, isSettled } from './acknowledged.js';
import { decodeWindowCount } from './decode-output.js';
import type { GeneratorLedger, OutputRecord } from './types.js';

export class OutputCoverage {
  /** Settled keys not yet seen in the output. */
  private readonly missing = new Set<string>();
  readonly expected: number;
  private cursor = 0;

  constructor(private readonly ledger: GeneratorLedger) {
    for (const k of acknowledgedKeys(ledger)) if (isSettled(ledger, k.windowStart)) this.missing.add(keyOf(k.windowStart, k.page));
    this.expected = this.missing.size;
  }

  /** Reads the records appended since the last call (`records` only grows, as the output tap's does). */
  read(records: readonly OutputRecord[]): this {
    for (; this.cursor < records.length; this.cursor++) {
      const d = decodeWindowCount(records[this.cursor]!, this.ledger.windowMs);
      if (d.ok) this.missing.delete(keyOf(d.value.windowStart, d.value.page));
    }
    return this;
  }

  get seen(): number {
    return this.expected - this.missing.size;
  }

  complete(): boolean {
    return this.missing.size === 0;
  }

  /** One missing key, for a wait's last-seen line. */
  firstMissing(): string | undefined {
    for (const k of this.missing) return k.replace('\u0000', ' ');
    return undefined;
  }
}

const keyOf = (windowStart: number, page: string) => `${windowStart}\u0000${page}`;
