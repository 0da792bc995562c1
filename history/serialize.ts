// History <-> JSON. Output values are raw bytes (possibly not UTF-8), so the
// file stores them as base64; everything else is already plain data.
import type { History, OutputRecord } from './types.js';

/** The JSON form of an OutputRecord: value as base64, null for a tombstone. */
export interface SerializedOutputRecord extends Omit<OutputRecord, 'value'> {
  value: string | null;
}

export interface SerializedHistory extends Omit<History, 'output'> {
  output: SerializedOutputRecord[];
}

export function historyToJson(history: History): SerializedHistory {
  return {
    ...history,
    output: history.output.map((r) => ({
      ...r,
      value: r.value === null ? null : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength).toString('base64'),
    })),
  };
}

/** Rebuilds a History; throws with the path of the first field that is not what the contract says. */
export function historyFromJson(json: unknown): History {
  const h = object(json, 'history');
  for (const f of ['scenario', 'flinkVersion'] as const) string(h[f], f);
  for (const f of ['startedAt', 'endedAt'] as const) number(h[f], f);
  const ledger = object(h.ledger, 'ledger');
  object(ledger.acknowledged, 'ledger.acknowledged');
  for (const f of ['windowMs', 'total', 'maxTimestampMs', 'closedThroughMs'] as const) number(ledger[f], `ledger.${f}`);
  if (!Array.isArray(ledger.pages)) throw new Error('ledger.pages: expected an array');
  const events = array(h.events, 'events').map((e, i) => {
    const event = object(e, `events[${i}]`);
    number(event.t, `events[${i}].t`);
    string(event.kind, `events[${i}].kind`);
    return event;
  });
  const output = array(h.output, 'output').map((r, i): OutputRecord => {
    const rec = object(r, `output[${i}]`);
    number(rec.partition, `output[${i}].partition`);
    string(rec.offset, `output[${i}].offset`);
    number(rec.arrivalMs, `output[${i}].arrivalMs`);
    if (rec.appendMs !== undefined) number(rec.appendMs, `output[${i}].appendMs`);
    if (rec.value !== null) base64(rec.value, `output[${i}].value`);
    const value = rec.value === null ? null : new Uint8Array(Buffer.from(rec.value as string, 'base64'));
    return {
      partition: rec.partition as number,
      offset: rec.offset as string,
      value,
      arrivalMs: rec.arrivalMs as number,
      // Absent in histories recorded before the broker's append time was kept.
      ...(rec.appendMs === undefined ? {} : { appendMs: rec.appendMs as number }),
    };
  });
  return { ...(h as unknown as History), events: events as unknown as History['events'], output };
}

export function stringifyHistory(history: History, indent = 0): string {
  return JSON.stringify(historyToJson(history), null, indent);
}

export function parseHistory(text: string): History {
  return historyFromJson(JSON.parse(text));
}

function object(x: unknown, path: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${path}: expected an object`);
  return x as Record<string, unknown>;
}

function array(x: unknown, path: string): unknown[] {
  if (!Array.isArray(x)) throw new Error(`${path}: expected an array`);
  return x;
}

function string(x: unknown, path: string): void {
  if (typeof x !== 'string') throw new Error(`${path}: expected a string`);
}

function number(x: unknown, path: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${path}: expected a number`);
}

// Buffer.from silently skips characters outside the alphabet; a damaged file should say so.
function base64(x: unknown, path: string): void {
  if (typeof x !== 'string' || x.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(x)) {
    throw new Error(`${path}: expected base64 or null`);
  }
}
