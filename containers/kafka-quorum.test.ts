import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flinkBootstrap, newClusterId, quorumLayout, type KafkaNodeLayout } from './kafka-quorum.js';

// The layout's environment through the image's own entrypoint (print mode:
// no Java, no container), so what a broker would run with is what is checked.

const ENTRYPOINT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'images', 'kafka', 'kafka-entrypoint.sh');

function serverProperties(node: KafkaNodeLayout): Map<string, string> {
  const text = execFileSync('bash', [ENTRYPOINT], { env: { PATH: process.env.PATH, ...node.env, KAFKA_PRINT_PROPERTIES: '1' }, encoding: 'utf8' });
  return new Map(text.split('\n').filter((l) => /^[a-z]/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const ports = (n: number) => fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: n, maxLength: n });

describe('KRaft layout through the broker entrypoint', () => {
  test('one node: the single-node settings the harness always ran (own quorum on loopback, one replica)', () => {
    const [node] = quorumLayout({ brokers: 1, externalPorts: [40001] });
    const p = serverProperties(node!);
    expect(node!.internal).toBe('kafka:9092');
    expect(p.get('node.id')).toBe('1');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:9093');
    expect(p.get('listeners')).toBe('INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:19092,CONTROLLER://127.0.0.1:9093');
    expect(p.get('advertised.listeners')).toBe('INTERNAL://kafka:9092,EXTERNAL://127.0.0.1:40001');
    expect(p.get('transaction.state.log.replication.factor')).toBe('1');
    expect(p.get('offsets.topic.replication.factor')).toBe('1');
  });

  test('a quorum of 3: distinct ids, one voter list, each broker advertises its own names; internal topics RF=3, min ISR 2', () => {
    fc.assert(
      fc.property(ports(3), fc.boolean(), (hostPorts, proxied) => {
        const layout = quorumLayout({ brokers: 3, externalPorts: hostPorts, clusterId: newClusterId(), proxied });
        const props = layout.map(serverProperties);
        expect(new Set(props.map((p) => p.get('node.id')))).toEqual(new Set(['1', '2', '3']));
        expect(new Set(props.map((p) => p.get('controller.quorum.voters')))).toEqual(new Set(['1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093']));
        props.forEach((p, i) => {
          const advertised = p.get('advertised.listeners')!.split(',');
          expect(advertised).toContain(`INTERNAL://kafka-${i + 1}:9092`);
          expect(advertised).toContain(`EXTERNAL://127.0.0.1:${hostPorts[i]}`);
          expect(p.get('listeners')).toContain('CONTROLLER://0.0.0.0:9093');
          expect(p.get('transaction.state.log.replication.factor')).toBe('3');
          expect(p.get('transaction.state.log.min.isr')).toBe('2');
          expect(p.get('offsets.topic.replication.factor')).toBe('3');
          expect(advertised.some((l) => l.startsWith('FLINK://'))).toBe(proxied);
        });
        if (proxied) {
          const flink = props.map((p) => p.get('advertised.listeners')!.split(',').find((l) => l.startsWith('FLINK://')));
          expect(new Set(flink).size, 'each broker behind its own proxy port').toBe(3);
          expect(flinkBootstrap(layout)).toBe(flink.map((l) => l!.slice('FLINK://'.length)).join(','));
        } else {
          expect(flinkBootstrap(layout)).toBe('kafka-1:9092,kafka-2:9092,kafka-3:9092');
        }
      }),
      { numRuns: 5 },
    );
  });

  test('a quorum without one cluster id is refused (each node would format its own cluster)', () => {
    expect(() => quorumLayout({ brokers: 3, externalPorts: [1, 2, 3] })).toThrow(/cluster id/);
  });

  test('cluster ids are 22 base64url characters (16 bytes), like kafka-storage random-uuid', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
