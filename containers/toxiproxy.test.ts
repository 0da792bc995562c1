import { describe, expect, test } from 'vitest';
import { parseSentBytes } from './toxiproxy.js';

describe('toxiproxy metrics', () => {
  test('sent bytes summed per proxy over both directions; other series ignored', () => {
    const text = [
      '# HELP toxiproxy_proxy_sent_bytes_total',
      'toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="[::]:29091",proxy="kafka-1",upstream="kafka-1:29092"} 1000',
      'toxiproxy_proxy_sent_bytes_total{direction="upstream",listener="[::]:29091",proxy="kafka-1",upstream="kafka-1:29092"} 24',
      'toxiproxy_proxy_received_bytes_total{direction="upstream",listener="[::]:29091",proxy="kafka-1",upstream="kafka-1:29092"} 99999',
      'toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="[::]:9092",proxy="bootstrap",upstream="kafka-1:29092"} 5e+06',
    ].join('\n');
    expect(parseSentBytes(text)).toEqual(new Map([['kafka-1', 1024], ['bootstrap', 5_000_000]]));
  });
});
