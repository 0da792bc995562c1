// Turns one raw output record into a WindowCount, or says why it cannot.
// Lives beside the contract because both the oracle and the derived figures
// read output the same way; it never throws, whatever the bytes are.
import type { OutputRecord, WindowCount } from './types.js';

export type DecodedOutput = { ok: true; value: WindowCount } | { ok: false; reason: string };

// fatal: a replacement character would hide corrupted bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeWindowCount(record: OutputRecord, windowMs: number): DecodedOutput {
  try {
    return decode(record.value, windowMs);
  } catch (e) {
    // Belt and braces: a value that is not even a byte array still gets a verdict.
    return bad(`cannot read value: ${(e as Error)?.message ?? String(e)}`);
  }
}

function decode(value: Uint8Array | null, windowMs: number): DecodedOutput {
  if (value === null) return bad('null value (tombstone)');
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return bad('value is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad(`value is not JSON: ${show(text)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return bad(`value is not a JSON object: ${show(text)}`);
  }
  const o = json as Record<string, unknown>;
  for (const field of ['windowStart', 'windowEnd', 'count'] as const) {
    if (!Number.isSafeInteger(o[field])) return bad(`${field} is not an integer: ${show(o[field])}`);
  }
  if (typeof o.page !== 'string') return bad(`page is not a string: ${show(o.page)}`);
  const v: WindowCount = {
    windowStart: o.windowStart as number,
    windowEnd: o.windowEnd as number,
    page: o.page,
    count: o.count as number,
  };
  // A window that fired has seen at least one click.
  if (v.count < 1) return bad(`count is not positive: ${v.count}`);
  if (v.windowEnd !== v.windowStart + windowMs) {
    return bad(`windowEnd ${v.windowEnd} is not windowStart ${v.windowStart} + ${windowMs}`);
  }
  // Tumbling windows without offset start at multiples of their length since the epoch.
  if (((v.windowStart % windowMs) + windowMs) % windowMs !== 0) {
    return bad(`windowStart ${v.windowStart} is not aligned to ${windowMs} ms`);
  }
  return { ok: true, value: v };
}

function bad(reason: string): DecodedOutput {
  return { ok: false, reason };
}

function show(x: unknown): string {
  const s = typeof x === 'string' ? JSON.stringify(x) : x === undefined ? 'missing' : JSON.stringify(x) ?? String(x);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
