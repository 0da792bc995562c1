// Builders for tests: ledgers and output records shaped like the real job's.
import { PAGES, WINDOW_MS, type GeneratorLedger, type OutputRecord } from '../../history/types.js';

/** An epoch ms aligned to 15 s (2023-11-14T22:13:15Z). */
export const FIRST_WINDOW = 1_699_999_995_000;

export interface Payload {
  windowStart: number;
  page: string;
  count: number;
}

/** counts[w][p]: acknowledged clicks of PAGES[p] in window w; every window settled. */
export function makeLedger(counts: readonly (readonly number[])[], firstWindow = FIRST_WINDOW): GeneratorLedger {
  const acknowledged: Record<string, Record<string, number>> = {};
  let total = 0;
  counts.forEach((row, w) => {
    const pages: Record<string, number> = {};
    row.forEach((n, p) => {
      pages[PAGES[p]] = n;
      total += n;
    });
    acknowledged[String(firstWindow + w * WINDOW_MS)] = pages;
  });
  const end = firstWindow + counts.length * WINDOW_MS;
  return { windowMs: WINDOW_MS, pages: PAGES, acknowledged, total, maxTimestampMs: end - 1, closedThroughMs: end };
}

export function uniformLedger(windows: number, perPage = 1000): GeneratorLedger {
  return makeLedger(Array.from({ length: windows }, () => PAGES.map(() => perPage)));
}

/** One payload per acknowledged (window, page): what a correct job writes. */
export function correctPayloads(ledger: GeneratorLedger): Payload[] {
  return Object.entries(ledger.acknowledged).flatMap(([start, pages]) =>
    Object.entries(pages).map(([page, count]) => ({ windowStart: Number(start), page, count })),
  );
}

export function encodeValue(p: Payload, windowMs = WINDOW_MS): Uint8Array {
  const json = JSON.stringify({ windowStart: p.windowStart, windowEnd: p.windowStart + windowMs, page: p.page, count: p.count });
  return new TextEncoder().encode(json);
}

/** Lays payloads (or raw values) out over partitions round-robin, offsets counting per partition. */
export function toRecords(values: readonly (Payload | Uint8Array | null)[], partitions = 3): OutputRecord[] {
  const next = new Array<number>(partitions).fill(0);
  return values.map((v, i) => {
    const partition = i % partitions;
    const value = v === null || v instanceof Uint8Array ? v : encodeValue(v);
    return { partition, offset: String(next[partition]++), value, arrivalMs: 1_000_000 + i };
  });
}

export function sameKey(a: { windowStart: number; page: string }, b: { windowStart: number; page: string }): boolean {
  return a.windowStart === b.windowStart && a.page === b.page;
}

/** Gives each record a broker append time (LogAppendTime), in record order. */
export function appendedAt(records: readonly OutputRecord[], times: readonly number[]): OutputRecord[] {
  return records.map((r, i) => ({ ...r, appendMs: times[i] }));
}
