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

  /** Bytes each proxy sent, both ways summed (toxiproxy's -proxy-metrics counters on /metrics). */
  async sentBytes(): Promise<Map<string, number>> {
    const res = await this.fetchImpl(`${this.apiUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`toxiproxy GET /metrics: HTTP ${res.status}`);
    return parseSentBytes(await res.text());
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

/** `toxiproxy_proxy_sent_bytes_total{direction="downstream",proxy="kafka-1",...} 1234` lines, summed per proxy. */
export function parseSentBytes(metrics: string): Map<string, number> {
  const sent = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const m = /^toxiproxy_proxy_sent_bytes_total\{([^}]*)\}\s+(\S+)/.exec(line);
    const proxy = m && /(?:^|,)proxy="([^"]*)"/.exec(m[1]!)?.[1];
    const value = m ? Number(m[2]) : NaN;
    if (proxy === undefined || proxy === null || !Number.isFinite(value)) continue;
    sent.set(proxy, (sent.get(proxy) ?? 0) + value);
  }
  return sent;
}
