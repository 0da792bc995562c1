import { describe, expect, test } from 'vitest';
import { HEAL_PARTITION, KAFKA_TOXIC, PARTITION_FROM_JOBMANAGER, PARTITION_FROM_KAFKA, PROXY_TRAFFIC_CHECK, REMOVE_TOXIC } from '../faults/network.js';
import type { History, HistoryEvent } from '../history/types.js';
import { faultEvidence } from './fault-evidence.js';

const TM = 'fh-run-x-taskmanager-1';
const OTHER_TM = 'fh-run-x-taskmanager-2';
const IP = '172.31.255.4';
const LEDGER = { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };
const history = (events: HistoryEvent[]): History => ({ scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 200_000, events, ledger: LEDGER, output: [] });
const judged = (events: HistoryEvent[]) => faultEvidence(history(events))[0]!;

const cut = (name: string, t = 10_000): HistoryEvent[] => [
  { t, kind: 'fault', name, target: TM, phase: 'invoke', addresses: [IP] },
  { t: t + 50, kind: 'fault', name, target: TM, phase: 'ok' },
];
const heal = (t: number): HistoryEvent => ({ t, kind: 'operation', name: HEAL_PARTITION, target: TM, phase: 'ok' });
const clientLine = (t: number, node = TM): HistoryEvent => ({ t, kind: 'log-evidence', node, what: 'kafka-client broker-unreachable', line: 'Connection to node 1 (kafka-1/172.31.254.2:9092) could not be established.' });
const checkpoints = (from: number, to: number): HistoryEvent[] =>
  Array.from({ length: Math.floor((to - from) / 1_000) }, (_, i) => ({ t: from + i * 1_000, kind: 'checkpoint' as const, jobId: 'j1', id: i + 1, type: 'checkpoint' as const }));

describe('network fault evidence', () => {
  test('cut from Kafka: its own Kafka clients logging the loss confirms; another TaskManager\'s lines do not', () => {
    expect(judged([...cut(PARTITION_FROM_KAFKA), clientLine(15_000), heal(30_000)]).code).toBe(`fault.${PARTITION_FROM_KAFKA}.confirmed`);
    expect(judged([...cut(PARTITION_FROM_KAFKA), clientLine(15_000, OTHER_TM), heal(30_000)]).code).toBe(`fault.${PARTITION_FROM_KAFKA}.no-effect`);
  });

  test('never healed: inconclusive whatever else it saw', () => {
    expect(judged([...cut(PARTITION_FROM_KAFKA), clientLine(15_000)])).toMatchObject({ code: `fault.${PARTITION_FROM_KAFKA}.not-healed`, effect: 'inconclusive' });
  });

  test('cut from the JobManager: a heartbeat timeout naming its address confirms; a checkpoint stall does too; steady checkpoints do not', () => {
    const timeout: HistoryEvent = { t: 20_000, kind: 'job-exception', jobId: 'j1', timestamp: 17_000, exceptionName: 'java.util.concurrent.TimeoutException', message: `java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id ${IP}:41234-a1b2c3 timed out.` };
    expect(judged([...cut(PARTITION_FROM_JOBMANAGER), timeout, heal(30_000)]).code).toBe(`fault.${PARTITION_FROM_JOBMANAGER}.confirmed`);
    expect(judged([...checkpoints(0, 10_000), ...cut(PARTITION_FROM_JOBMANAGER), heal(20_000)]).code).toBe(`fault.${PARTITION_FROM_JOBMANAGER}.confirmed`);
    expect(judged([...checkpoints(0, 20_000), ...cut(PARTITION_FROM_JOBMANAGER), heal(20_000)]).code).toBe(`fault.${PARTITION_FROM_JOBMANAGER}.no-effect`);
  });

  test('a toxic counts only when Flink\'s traffic went through the proxy while it was on', () => {
    const toxic: HistoryEvent[] = [
      { t: 10_000, kind: 'fault', name: KAFKA_TOXIC, target: 'latency-500ms', phase: 'invoke' },
      { t: 10_100, kind: 'fault', name: KAFKA_TOXIC, target: 'latency-500ms', phase: 'ok', detail: 'latency {"latency":500}' },
    ];
    const removed: HistoryEvent = { t: 40_000, kind: 'operation', name: REMOVE_TOXIC, target: 'latency-500ms', phase: 'ok' };
    const traffic = (bytes: number): HistoryEvent => ({ t: 40_100, kind: 'check', name: PROXY_TRAFFIC_CHECK, ok: bytes > 0, detail: `${bytes} bytes went through the proxy`, data: { target: 'latency-500ms', bytes } });
    expect(judged([...toxic, removed, traffic(123_456)]).code).toBe(`fault.${KAFKA_TOXIC}.confirmed`);
    expect(judged([...toxic, removed, traffic(0)]).code).toBe(`fault.${KAFKA_TOXIC}.no-effect`);
    expect(judged([...toxic, removed]).code).toBe(`fault.${KAFKA_TOXIC}.no-effect`);
    expect(judged([...toxic, traffic(123_456)]).code).toBe(`fault.${KAFKA_TOXIC}.not-healed`);
  });
});
