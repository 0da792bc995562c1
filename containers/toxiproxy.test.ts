import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toxicLinks } from './toxiproxy.js';

const entry = (proxy: string, link: string, time: string, component = 'ToxicLink') =>
  JSON.stringify({ level: 'trace', name: proxy, component, method: 'write', link, proxy, time });

describe("toxiproxy's link log", () => {
  test('connections wired through a toxic, per proxy, inside the window (whole seconds); both directions of one connection count once', () => {
    const log = [
      entry('kafka-1', '172.31.0.6:56576upstream', '2026-12-02T06:35:11Z'),
      entry('kafka-1', '172.31.0.6:56576downstream', '2026-12-02T06:35:11Z'),
      entry('kafka-1', '172.31.0.6:56560upstream', '2026-12-02T06:35:15Z'),
      entry('bootstrap', '172.31.0.6:59070upstream', '2026-12-02T06:35:15Z'),
      entry('kafka-1', '172.31.0.6:50000upstream', '2026-12-02T06:36:00Z'),
      entry('kafka-1', '172.31.0.6:50001upstream', '2026-12-02T06:35:12Z', 'Proxy'),
      '{"level":"warn","name":"bootstrap","bytes":993,"error":"use of closed network connection"}',
      'not json "ToxicLink"',
    ].join('\n');
    expect(toxicLinks(log, Date.parse('2026-12-02T06:35:11.070Z'), Date.parse('2026-12-02T06:35:15.037Z'))).toEqual(new Map([['kafka-1', 2], ['bootstrap', 1]]));
  });

  test('property: a connection is counted iff one of its entries lies in the window', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ conn: fc.integer({ min: 1, max: 20 }), dir: fc.constantFrom('upstream', 'downstream'), s: fc.integer({ min: 0, max: 100 }) })), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (entries, a, b) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b)];
        const base = Date.parse('2026-12-02T00:00:00Z');
        const log = entries.map((e) => entry('kafka-1', `10.0.0.1:${e.conn}${e.dir}`, new Date(base + e.s * 1000).toISOString().replace('.000', ''))).join('\n');
        const expected = new Set(entries.filter((e) => e.s >= from && e.s <= to).map((e) => e.conn)).size;
        expect(toxicLinks(log, base + from * 1000, base + to * 1000).get('kafka-1') ?? 0).toBe(expected);
      }),
    );
  });
});
