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
 * Links (one per live connection and direction) that toxic `toxic` was on, from
 * the server's own log: removing a toxic logs a `ToxicLink` `RemoveToxic`
 * entry per link it was on, synchronously, before the API answers (v2.5.0,
 * times to the second, so the window is widened to whole seconds). That Kafka
 * clients' connections ran through the toxic is the evidence: toxiproxy has
 * no per-chunk log, and its `/metrics` byte counters move only when a
 * connection closes (both measured), while Kafka clients keep theirs open.
 * `toxic` matches the names the harness gives (`<name>-upstream`, `<name>-downstream`).
 */
export function toxicLinks(log: string, toxic: string, fromMs: number, toMs: number): number {
  const from = Math.floor(fromMs / 1000) * 1000;
  const to = Math.ceil(toMs / 1000) * 1000;
  const links = new Set<string>();
  for (const line of log.split('\n')) {
    if (!line.includes('"RemoveToxic"')) continue;
    let entry: { component?: unknown; method?: unknown; toxic?: unknown; link_addr?: unknown; time?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.component !== 'ToxicLink' || entry.method !== 'RemoveToxic' || typeof entry.link_addr !== 'string' || typeof entry.time !== 'string') continue;
    if (entry.toxic !== toxic && !(typeof entry.toxic === 'string' && entry.toxic.startsWith(`${toxic}-`))) continue;
    const t = Date.parse(entry.time);
    if (!Number.isFinite(t) || t < from || t > to) continue;
    links.add(entry.link_addr);
  }
  return links.size;
}
