// Output records as the differential oracle and the id check read them: the
// key a job declaration names (a JSON path into the value, or the Kafka record
// key) and the value in a canonical form (JSON with sorted fields; anything
// else as its UTF-8 text), so field order or spacing is never a difference.
// Lazy generators: a large output is never copied whole.
import type { KeyedRecord } from './differential.js';
import type { IdRecord } from './record-ids.js';
import type { OutputRecord } from '../history/types.js';

/** `key`, or a JSON path of fields and indexes: `$.id`, `$.user.id`, `$.ids[0]`. */
export type OutputKeying = string;

/** What a record without the named key is keyed by (it still takes part: as a difference). */
export const NO_KEY = '(no key)';

const utf8 = new TextDecoder('utf-8');

export function* keyedOutput(records: Iterable<OutputRecord>, keying: OutputKeying): Generator<KeyedRecord> {
  for (const r of records) {
    const text = r.value === null ? '' : utf8.decode(r.value);
    const json = parseJson(text);
    yield { key: keyOf(r, json, keying) ?? NO_KEY, value: json === undefined ? text : canonicalJson(json), partition: r.partition, offset: r.offset };
  }
}

export function* idOutput(records: Iterable<OutputRecord>, idPath: OutputKeying): Generator<IdRecord> {
  for (const r of records) {
    const json = r.value === null ? undefined : parseJson(utf8.decode(r.value));
    yield { id: keyOf(r, json, idPath), partition: r.partition, offset: r.offset };
  }
}

/** Input values (the generator's JSON) as reference records, keyed the same way. */
export function* keyedValues(values: Iterable<string>, keying: OutputKeying): Generator<KeyedRecord> {
  for (const text of values) {
    const json = parseJson(text);
    yield { key: (keying === 'key' ? undefined : scalarText(jsonPath(json, keying))) ?? NO_KEY, value: json === undefined ? text : canonicalJson(json) };
  }
}

function keyOf(r: OutputRecord, json: unknown, keying: OutputKeying): string | undefined {
  if (keying === 'key') return r.key ? utf8.decode(r.key) : undefined;
  return scalarText(jsonPath(json, keying));
}

/** `$.a.b[0]` into a parsed value; undefined where the path leads nowhere. */
export function jsonPath(json: unknown, pathText: string): unknown {
  const steps = [...pathText.replace(/^\$/, '').matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)];
  let v = json;
  for (const [, field, index] of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    v = field !== undefined ? (v as Record<string, unknown>)[field] : (v as unknown[])[Number(index)];
  }
  return v;
}

/** JSON with object fields sorted at every level. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

const scalarText = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
