import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { kafkaClientErrors } from './kafka-client-log.js';

// Lines from a real 2.2.1 run (Kafka 4.1 clients): a TaskManager's and the
// JobManager's (the source enumerator's admin client) log while the broker
// was stopped 40 s, plus ordinary client lines that are no evidence.
const log = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'kafka-outage-2.2.1-flink-nodes.txt'), 'utf8');
const at = (s: string) => Date.parse(s.replace(' ', 'T').replace(',', '.') + 'Z');

describe('kafkaClientErrors', () => {
  test('finds the clients losing the broker, each line with its own time, and nothing else', () => {
    const found = kafkaClientErrors(log, 0, 10);
    expect(found.map((f) => f.what).sort()).toEqual(
      [
        'broker-disconnected', 'broker-disconnected', 'broker-disconnected', 'broker-disconnected',
        'broker-unreachable', 'broker-unreachable', 'broker-unreachable', 'broker-unreachable',
        'broker-unresolvable', 'broker-unresolvable', 'broker-unresolvable',
        'metadata-failed', 'offset-commit-failed', 'request-cancelled',
      ].sort(),
    );
    expect(found.some((f) => /Instantiated|Discovered group coordinator|Rebootstrapping/.test(f.line))).toBe(false);
    expect(found.find((f) => f.what === 'request-cancelled')!.at).toBe(at('2026-12-01 20:45:39,595'));
  });

  test('lines before the fault never count; at most a few lines per kind', () => {
    expect(kafkaClientErrors(log, at('2026-12-01 20:46:10,000'), 10).every((f) => f.at >= at('2026-12-01 20:46:10,000'))).toBe(true);
    expect(kafkaClientErrors(log, at('2026-12-01 21:30:00,000'))).toEqual([]);
    expect(kafkaClientErrors(log, 0, 1).filter((f) => f.what === 'broker-unresolvable')).toHaveLength(1);
  });

  test('only Kafka client loggers: the same words from another logger are no evidence', () => {
    const other = '2026-12-01 20:46:23,618 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - Node -1 disconnected.';
    expect(kafkaClientErrors(other, 0)).toEqual([]);
  });
});
