import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toxicLinks } from './toxiproxy.js';

const removal = (toxic: string, link: string, time: string, method = 'RemoveToxic') =>
  JSON.stringify({ level: 'trace', request_id: 'r1', component: 'ToxicLink', method, toxic, toxic_type: 'latency', link_addr: link, time });

describe("toxiproxy's link log", () => {
  test("the links a toxic was on when removed, inside the window (whole seconds); other toxics, methods and lines ignored", () => {
    const log = [
      removal('latency-300ms-upstream', '0x1', '2026-12-02T06:43:30Z'),
      removal('latency-300ms-downstream', '0x2', '2026-12-02T06:43:30Z'),
      removal('latency-300ms-upstream', '0x1', '2026-12-02T06:43:30Z'),
      removal('bandwidth-10kBps-upstream', '0x3', '2026-12-02T06:43:30Z'),
      removal('latency-300ms-upstream', '0x4', '2026-12-02T06:50:00Z'),
      removal('latency-300ms-upstream', '0x5', '2026-12-02T06:43:29Z', 'AddToxic'),
      JSON.stringify({ level: 'trace', component: 'ToxicLink', method: 'write', link: '192.168.176.6:1upstream', proxy: 'kafka-1', time: '2026-12-02T06:43:31Z' }),
      '{"level":"warn","name":"bootstrap","bytes":993,"error":"use of closed network connection"}',
      'not json "RemoveToxic"',
    ].join('\n');
    expect(toxicLinks(log, 'latency-300ms', Date.parse('2026-12-02T06:43:27.735Z'), Date.parse('2026-12-02T06:43:30.886Z'))).toBe(2);
  });

  test('property: a link is counted iff one of its removals of that toxic lies in the window', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ link: fc.integer({ min: 1, max: 20 }), toxic: fc.constantFrom('lat-upstream', 'lat-downstream', 'other-upstream'), s: fc.integer({ min: 0, max: 100 }) })), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (entries, a, b) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b)];
        const base = Date.parse('2026-12-02T00:00:00Z');
        const log = entries.map((e) => removal(e.toxic, `0x${e.link}`, new Date(base + e.s * 1000).toISOString().replace('.000', ''))).join('\n');
        const expected = new Set(entries.filter((e) => e.toxic.startsWith('lat-') && e.s >= from && e.s <= to).map((e) => e.link)).size;
        expect(toxicLinks(log, 'lat', base + from * 1000, base + to * 1000)).toBe(expected);
      }),
    );
  });
});
