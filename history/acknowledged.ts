// Lookups into the generator's ledger. Pages come from untrusted output, so
// a page named "__proto__" must read as "never generated", not as an object.
import type { GeneratorLedger } from './types.js';

export function acknowledgedCount(ledger: GeneratorLedger, windowStart: number, page: string): number {
  const window = own(ledger.acknowledged, String(windowStart));
  if (window === undefined) return 0;
  const n = own(window, page);
  return typeof n === 'number' && n > 0 ? n : 0;
}

export interface AcknowledgedKey {
  windowStart: number;
  page: string;
  count: number;
}

/** Every (windowStart, page) with a positive acknowledged count, by window then page. */
export function acknowledgedKeys(ledger: GeneratorLedger): AcknowledgedKey[] {
  const keys: AcknowledgedKey[] = [];
  for (const [start, pages] of Object.entries(ledger.acknowledged)) {
    for (const [page, count] of Object.entries(pages)) {
      if (typeof count === 'number' && count > 0) keys.push({ windowStart: Number(start), page, count });
    }
  }
  return keys.sort((a, b) => a.windowStart - b.windowStart || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0));
}

/** Acknowledged events per page over the whole run. */
export function acknowledgedPerPage(ledger: GeneratorLedger): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { page, count } of acknowledgedKeys(ledger)) totals.set(page, (totals.get(page) ?? 0) + count);
  return totals;
}

export function isSettled(ledger: GeneratorLedger, windowStart: number): boolean {
  return windowStart + ledger.windowMs <= ledger.closedThroughMs;
}

function own<T>(o: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
