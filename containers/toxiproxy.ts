import type { NodeHandle } from './node-handle.js';

// Toxiproxy's HTTP API (v2), typed for what the harness does with it: one
// proxy per link, toxics (latency, jitter, bandwidth, loss-like timeouts)
// added and removed, a link cut and restored. Hand-written on fetch:
// toxiproxy-node-client would bring axios along for five endpoints.

/** A toxic as toxiproxy takes it (https://github.com/Shopify/toxiproxy#toxics). */
export type Toxic =
  | { type: 'latency'; attributes: { latency: number; jitter?: number } }
  | { type: 'bandwidth'; attributes: { rate: number } }
  | { type: 'slow_close'; attributes: { delay: number } }
  | { type: 'timeout'; attributes: { timeout: number } }
  | { type: 'slicer'; attributes: { average_size: number; size_variation?: number; delay?: number } }
  | { type: 'limit_data'; attributes: { bytes: number } }
  | { type: 'reset_peer'; attributes: { timeout: number } };

export interface ToxicSpec {
  name: string;
  toxic: Toxic;
  /** downstream: what the proxy sends back to the client (broker -> Flink); upstream: client -> broker. */
  stream?: 'upstream' | 'downstream';
  /** 0..1: the share of connections it applies to (toxiproxy's way of losing some, not all). */
  toxicity?: number;
}

export interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; toxicity: number; attributes: Record<string, number> }[];
}

/** The proxy container with its API on 127.0.0.1, and the links it carries. */
export class Toxiproxy {
  constructor(
    readonly node: NodeHandle,
    /** http://127.0.0.1:<port> */
    readonly apiUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async createProxy(name: string, listen: string, upstream: string): Promise<ProxyState> {
    return this.call('POST', '/proxies', { name, listen, upstream, enabled: true });
  }

  async proxies(): Promise<ProxyState[]> {
    return Object.values(await this.call<Record<string, ProxyState>>('GET', '/proxies'));
  }

  async addToxic(proxy: string, spec: ToxicSpec): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, {
      name: spec.name,
      type: spec.toxic.type,
      stream: spec.stream ?? 'downstream',
      toxicity: spec.toxicity ?? 1,
      attributes: spec.toxic.attributes,
    });
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }

  /** Cut (false) or restore (true) a link: a disabled proxy closes its connections and refuses new ones. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}`, { enabled });
  }

  /** Every proxy enabled, every toxic removed: the heal that always applies. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await this.fetchImpl(`${this.apiUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/**
 * Writes through toxic links per proxy between `fromMs` and `toMs`, from the
 * server's own log (trace level: one `ToxicLink` `write` entry per chunk a link
 * passes on). The log is the evidence that traffic crossed the proxy while a
 * toxic was on: toxiproxy's byte counters (`/metrics`) move only when a
 * connection closes (measured on v2.5.0), and Kafka clients keep theirs open.
 */
export function toxicLinkWrites(log: string, fromMs: number, toMs: number): Map<string, number> {
  const writes = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.includes('"ToxicLink"') || !line.includes('"write"')) continue;
    let entry: { component?: unknown; method?: unknown; proxy?: unknown; time?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.component !== 'ToxicLink' || entry.method !== 'write' || typeof entry.proxy !== 'string' || typeof entry.time !== 'string') continue;
    const t = Date.parse(entry.time);
    if (!Number.isFinite(t) || t < fromMs || t > toMs) continue;
    writes.set(entry.proxy, (writes.get(entry.proxy) ?? 0) + 1);
  }
  return writes;
}
