import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toxicLinkWrites } from './toxiproxy.js';

const entry = (proxy: string, time: string, method = 'write', component = 'ToxicLink') =>
  JSON.stringify({ level: 'trace', name: proxy, component, method, link: '172.31.0.6:56576upstream', proxy, time });

describe("toxiproxy's link log", () => {
  test('writes of toxic links counted per proxy inside the window; other lines, methods and times ignored', () => {
    const log = [
      entry('kafka-1', '2026-12-02T06:19:07.100Z'),
      entry('kafka-1', '2026-12-02T06:19:08.000Z'),
      entry('bootstrap', '2026-12-02T06:19:07.500Z'),
      entry('kafka-1', '2026-12-02T06:19:20.000Z'),
      entry('kafka-1', '2026-12-02T06:19:07.200Z', 'read'),
      '{"level":"warn","name":"bootstrap","bytes":993,"error":"use of closed network connection"}',
      'not json "ToxicLink" "write"',
    ].join('\n');
    expect(toxicLinkWrites(log, Date.parse('2026-12-02T06:19:07Z'), Date.parse('2026-12-02T06:19:10Z'))).toEqual(new Map([['kafka-1', 2], ['bootstrap', 1]]));
  });

  test('property: every write inside the window is counted once, none outside', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ proxy: fc.constantFrom('kafka-1', 'kafka-2', 'bootstrap'), t: fc.integer({ min: 0, max: 100_000 }) })), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (writes, a, b) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b)];
        const base = Date.parse('2026-12-02T00:00:00Z');
        const log = writes.map((w) => entry(w.proxy, new Date(base + w.t).toISOString())).join('\n');
        const got = toxicLinkWrites(log, base + from, base + to);
        const inside = writes.filter((w) => w.t >= from && w.t <= to);
        expect([...got.values()].reduce((x, y) => x + y, 0)).toBe(inside.length);
      }),
    );
  });
});
