import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CONSUMER_LAG as RECORDED_LAG } from '../faults/broker.js';
import type { History, HistoryEvent } from '../history/types.js';
import { CONSUMER_LAG, faultEvidence, namesTaskManager } from './fault-evidence.js';
import { decide, type Reason } from './outcome.js';

const TM = 'fh-run-failure-recovery-taskmanager-1';
const IP = '172.18.0.5';
const KAFKA = 'fh-run-x-kafka';
const LEDGER = { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 };

const history = (events: HistoryEvent[]): History => ({ scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 100_000, events, ledger: LEDGER, output: [] });

const kill = (t: number, addresses = [IP]): HistoryEvent[] => [
  { t, kind: 'fault', name: 'kill-taskmanager', target: TM, phase: 'invoke', addresses },
  { t: t + 50, kind: 'fault', name: 'kill-taskmanager', target: TM, phase: 'ok' },
];
// As Flink 2.2.1 wrote it after a SIGKILL (location: endpoint; taskManagerId: default resource id).
const lost = (t: number, timestamp = t, where = `${IP}:36789`): HistoryEvent => ({
  t,
  kind: 'job-exception',
  jobId: 'j1',
  timestamp,
  exceptionName: 'org.apache.flink.runtime.jobmaster.JobMasterException',
  message: `org.apache.flink.runtime.jobmaster.JobMasterException: TaskManager with id ${where}-0ab1c2 is no longer reachable.`,
  taskName: 'ClickEvent Counter (1/2)#0',
  location: where,
  taskManagerId: `${where}-0ab1c2`,
});
const restore = (t: number, restoredAt = t, extra: Partial<Extract<HistoryEvent, { kind: 'restore' }>> = {}): HistoryEvent => ({
  t,
  kind: 'restore',
  jobId: 'j1',
  checkpointId: 7,
  path: 'file:/tmp/flink-checkpoints-directory/j1/chk-7',
  isSavepoint: false,
  restoredAt,
  ...extra,
});
const state = (t: number, s: string): HistoryEvent => ({ t, kind: 'job-state', jobId: 'j1', state: s, tasks: {} });

const only = (events: HistoryEvent[]): Reason => {
  const reasons = faultEvidence(history(events));
  expect(reasons).toHaveLength(1);
  return reasons[0]!;
};

describe('kill-taskmanager', () => {
  test('confirmed by an exception naming the TaskManager after the kill and a restore of a checkpoint, with its id', () => {
    const r = only([...kill(1_000), lost(7_000, 6_900), restore(9_000, 8_800)]);
    expect(r).toMatchObject({ code: 'fault.kill-taskmanager.confirmed', effect: 'info', evidence: { restoredCheckpointId: 7, exceptionAt: 6_900, location: `${IP}:36789` } });
  });

  test('confirmed by a restart with no checkpoint (RESTARTING, then RUNNING)', () => {
    const r = only([...kill(1_000), lost(7_000), state(7_100, 'RESTARTING'), state(8_500, 'RUNNING')]);
    expect(r).toMatchObject({ code: 'fault.kill-taskmanager.confirmed', evidence: { restartedWithoutCheckpoint: true } });
  });

  test('confirmed by a restart seen only in the tasks (RESTARTING shorter than a poll): SCHEDULED, then all RUNNING', () => {
    const tasks = (t: number, counts: Record<string, number>): HistoryEvent => ({ t, kind: 'job-state', jobId: 'j1', state: 'RUNNING', tasks: counts });
    const r = only([tasks(500, { RUNNING: 5 }), ...kill(1_000), tasks(5_000, { SCHEDULED: 5 }), lost(5_100), tasks(14_000, { RUNNING: 4, INITIALIZING: 1 }), tasks(15_000, { RUNNING: 5 })]);
    expect(r).toMatchObject({ code: 'fault.kill-taskmanager.confirmed', evidence: { restartedWithoutCheckpoint: true, runningAt: 15_000 } });
    // Tasks that never came back to RUNNING: no restart to show.
    expect(only([...kill(1_000), tasks(5_000, { SCHEDULED: 5 }), lost(5_100)]).code).toBe('fault.kill-taskmanager.no-evidence');
  });

  test('a TaskManager named by its resource id (the container name) counts too', () => {
    const r = only([...kill(1_000, []), lost(7_000, 7_000, TM), restore(9_000)]);
    expect(r.code).toBe('fault.kill-taskmanager.confirmed');
  });

  test('no exception naming it: inconclusive no-effect (it ran no task, or Flink did not notice)', () => {
    const r = only([...kill(1_000), lost(7_000, 7_000, '172.18.0.6:4000'), restore(9_000)]);
    expect(r).toMatchObject({ code: 'fault.kill-taskmanager.no-effect', effect: 'inconclusive' });
    expect(decide([r]).outcome).toBe('inconclusive');
  });

  test('an exception before the kill never counts, nor a restore before the exception', () => {
    expect(only([lost(500, 500), restore(600), ...kill(1_000)]).code).toBe('fault.kill-taskmanager.no-effect');
    expect(only([...kill(1_000), restore(2_000), lost(7_000)]).code).toBe('fault.kill-taskmanager.no-evidence');
  });

  test('an exception after the next kill of the same TaskManager belongs to that one', () => {
    const reasons = faultEvidence(history([...kill(1_000), ...kill(20_000), lost(25_000), restore(27_000)]));
    expect(reasons.map((r) => r.code)).toEqual(['fault.kill-taskmanager.no-effect', 'fault.kill-taskmanager.confirmed']);
  });

  test('a kill that failed is inconclusive failed', () => {
    const r = only([
      { t: 1_000, kind: 'fault', name: 'kill-taskmanager', target: TM, phase: 'invoke' },
      { t: 1_100, kind: 'fault', name: 'kill-taskmanager', target: TM, phase: 'fail', detail: 'no such container' },
      lost(7_000),
      restore(9_000),
    ]);
    expect(r).toMatchObject({ code: 'fault.kill-taskmanager.failed', effect: 'inconclusive' });
  });
});

describe('pause-taskmanager', () => {
  const pause = (t: number, ms: number): HistoryEvent[] => [
    { t, kind: 'fault', name: 'pause-taskmanager', target: TM, phase: 'invoke', addresses: [IP] },
    { t: t + 20, kind: 'fault', name: 'pause-taskmanager', target: TM, phase: 'ok' },
    { t: t + ms, kind: 'operation', name: 'unpause-taskmanager', target: TM, phase: 'invoke' },
    { t: t + ms + 20, kind: 'operation', name: 'unpause-taskmanager', target: TM, phase: 'ok' },
  ];
  const checkpoints = (from: number, to: number, every = 1_000): HistoryEvent[] =>
    Array.from({ length: Math.floor((to - from) / every) }, (_, i) => ({ t: from + i * every, kind: 'checkpoint' as const, jobId: 'j1', id: i + 1, type: 'checkpoint' as const }));

  test('the heartbeat timeout naming it confirms', () => {
    const timeout: HistoryEvent = { ...(lost(16_500, 16_400) as Extract<HistoryEvent, { kind: 'job-exception' }>), exceptionName: 'java.util.concurrent.TimeoutException' };
    expect(only([...pause(10_000, 8_000), timeout])).toMatchObject({ code: 'fault.pause-taskmanager.confirmed', evidence: { exceptionName: 'java.util.concurrent.TimeoutException' } });
  });

  test('a failover while paused confirms', () => {
    expect(only([...pause(10_000, 8_000), state(16_000, 'RESTARTING')]).code).toBe('fault.pause-taskmanager.confirmed');
  });

  test('checkpoints that stalled while paused confirm; steady checkpoints through the pause do not', () => {
    expect(only([...checkpoints(5_000, 10_000), ...pause(10_000, 4_000), ...checkpoints(14_500, 20_000)]).code).toBe('fault.pause-taskmanager.confirmed');
    expect(only([...checkpoints(5_000, 20_000), ...pause(10_000, 4_000)]).code).toBe('fault.pause-taskmanager.no-effect');
    // No checkpoints before either: a stall proves nothing.
    expect(only([...pause(10_000, 4_000)]).code).toBe('fault.pause-taskmanager.no-effect');
  });
});

describe('restart-kafka and kafka-outage', () => {
  const outage = (t: number, ms: number, name = 'kafka-outage'): HistoryEvent[] => [
    { t, kind: 'fault', name, target: `${KAFKA} down 20 s`, phase: 'invoke' },
    { t: t + ms, kind: 'fault', name, target: `${KAFKA} down 20 s`, phase: 'ok' },
  ];
  const lag = (t: number, value: number): HistoryEvent => ({ t, kind: 'metric', jobId: '', vertex: 'input', name: CONSUMER_LAG, value });
  const clientError = (t: number): HistoryEvent => ({
    t,
    kind: 'log-evidence',
    node: TM,
    what: 'kafka-client broker-unreachable',
    line: '2026-12-01 20:50:01,123 WARN  org.apache.kafka.clients.NetworkClient [] - [Consumer clientId=x] Connection to node 1 (kafka/172.18.0.2:9092) could not be established. Node may not be available.',
  });

  test('Kafka client errors during the outage and a growing lag confirm', () => {
    expect(only([lag(900, 10), ...outage(1_000, 20_000), clientError(3_000), lag(22_000, 400), lag(23_000, 900)])).toMatchObject({
      code: 'fault.kafka-outage.confirmed',
      evidence: { lag: { before: 10, maxAfter: 900 } },
    });
  });

  test('no client error: no-effect; errors but the lag did not grow (nothing in flight): inconclusive', () => {
    expect(only([lag(900, 0), ...outage(1_000, 20_000), lag(22_000, 500)]).code).toBe('fault.kafka-outage.no-effect');
    expect(only([lag(900, 0), ...outage(1_000, 20_000), clientError(3_000), lag(22_000, 0)]).code).toBe('fault.kafka-outage.no-evidence');
    expect(only([...outage(1_000, 20_000, 'restart-kafka'), clientError(3_000), lag(22_000, 50)]).code).toBe('fault.restart-kafka.no-evidence');
    // A backlog waiting when the broker went was in flight, even if the job drained it fast afterwards.
    expect(only([lag(900, 46_824), ...outage(1_000, 20_000), clientError(3_000), lag(22_000, 24_002)])).toMatchObject({
      code: 'fault.kafka-outage.confirmed',
      evidence: { lag: { before: 46_824, maxAfter: 24_002 } },
    });
  });

  test("a task failing on a Kafka client error during the outage (the job's exception history) counts as the job's Kafka error", () => {
    const kafkaFailure = (timestamp: number): HistoryEvent => ({
      t: timestamp + 500,
      kind: 'job-exception',
      jobId: 'j1',
      timestamp,
      exceptionName: 'org.apache.kafka.common.KafkaException',
      message: 'org.apache.kafka.common.KafkaException: Failed to construct kafka consumer',
      taskName: 'Source: ClickEvent Source (1/1) - execution #1',
      location: '172.17.0.3:32781',
    });
    expect(only([lag(900, 10), ...outage(1_000, 20_000), kafkaFailure(5_000), lag(22_000, 400)])).toMatchObject({ code: 'fault.kafka-outage.confirmed', evidence: { kafkaExceptions: 1 } });
    expect(only([kafkaFailure(500), lag(900, 10), ...outage(1_000, 20_000), lag(22_000, 400)]).code).toBe('fault.kafka-outage.no-effect');
  });

  test('a paused broker: down until its unpause; no unpause, no conclusion', () => {
    const pause: HistoryEvent[] = [
      { t: 1_000, kind: 'fault', name: 'pause-kafka', target: KAFKA, phase: 'invoke' },
      { t: 1_100, kind: 'fault', name: 'pause-kafka', target: KAFKA, phase: 'ok' },
    ];
    const unpause: HistoryEvent[] = [
      { t: 30_000, kind: 'operation', name: 'unpause-kafka', target: KAFKA, phase: 'invoke' },
      { t: 30_100, kind: 'operation', name: 'unpause-kafka', target: KAFKA, phase: 'ok' },
    ];
    // The lag sample at 20 s is still inside the pause: it is not "after".
    expect(only([lag(900, 0), ...pause, clientError(5_000), lag(20_000, 900), ...unpause, lag(31_000, 700)])).toMatchObject({
      code: 'fault.pause-kafka.confirmed',
      evidence: { lag: { before: 0, maxAfter: 700, samplesAfter: 1 } },
    });
    expect(only([lag(900, 0), ...pause, clientError(5_000), lag(20_000, 900)]).code).toBe('fault.pause-kafka.no-evidence');
  });

  test('log lines from before the fault never count', () => {
    expect(only([clientError(500), lag(900, 0), ...outage(1_000, 20_000), lag(22_000, 500)]).code).toBe('fault.kafka-outage.no-effect');
  });

  test('the metric name is the one faults/broker.ts records', () => {
    expect(RECORDED_LAG).toBe(CONSUMER_LAG);
  });
});

describe('stop with savepoint and resume', () => {
  const SP = 'file:/tmp/flink-savepoints-directory/savepoint-aaaaaa-0123456789ab';
  const stopAndResume = (restored: Partial<Extract<HistoryEvent, { kind: 'restore' }>> | undefined): HistoryEvent[] => [
    { t: 1_000, kind: 'operation', name: 'stop-with-savepoint-cli', target: 'job j1', phase: 'invoke' },
    { t: 3_000, kind: 'operation', name: 'stop-with-savepoint-cli', target: 'job j1', phase: 'ok', detail: SP },
    { t: 5_000, kind: 'operation', name: 'submit-job-rest', target: 'Click Event Count from savepoint-aaaaaa-0123456789ab p=2', phase: 'invoke' },
    { t: 6_000, kind: 'operation', name: 'submit-job-rest', target: 'Click Event Count from savepoint-aaaaaa-0123456789ab p=2', phase: 'ok', detail: 'job j2' },
    ...(restored ? [{ t: 8_000, kind: 'restore' as const, jobId: 'j2', checkpointId: 3, path: SP, isSavepoint: true, restoredAt: 7_000, ...restored }] : []),
  ];

  test('the savepoint path and, on resume, the same savepoint restored: confirmed', () => {
    expect(only(stopAndResume({ path: `${SP}/` }))).toMatchObject({ code: 'fault.stop-with-savepoint.confirmed', effect: 'info', evidence: { savepoint: SP, jobId: 'j2', restoredCheckpointId: 3 } });
  });

  test('a resume from a copy beside the savepoint ("<name>-corrupt") is not its resume', () => {
    const events = stopAndResume({ path: `${SP}/` }).map((e) =>
      e.kind === 'operation' && e.name === 'submit-job-rest' ? { ...e, target: 'Click Event Count from savepoint-aaaaaa-0123456789ab-corrupt' } : e,
    );
    expect(only(events).code).toBe('fault.stop-with-savepoint.not-resumed');
  });

  test('Flink restored something else: fail; no restore reported: inconclusive', () => {
    expect(only(stopAndResume({ path: 'file:/tmp/flink-checkpoints-directory/j1/chk-9', isSavepoint: false }))).toMatchObject({ code: 'fault.stop-with-savepoint.wrong-restore', effect: 'fail' });
    expect(only(stopAndResume(undefined))).toMatchObject({ code: 'fault.stop-with-savepoint.no-evidence', effect: 'inconclusive' });
  });

  test('a resume Flink refused (an incompatible savepoint) is info: the scenario judges it', () => {
    const refused: HistoryEvent[] = [
      { t: 6_100, kind: 'operation', name: 'restore-from-savepoint', target: `job j2 from ${SP}`, phase: 'invoke' },
      { t: 9_000, kind: 'operation', name: 'restore-from-savepoint', target: `job j2 from ${SP}`, phase: 'ok', detail: 'incompatible savepoint (state-format): Unrecognized checkpoint version number' },
    ];
    expect(only([...stopAndResume(undefined), ...refused])).toMatchObject({ code: 'fault.stop-with-savepoint.resume-refused', effect: 'info' });
  });

  test('the SQL client\'s stop and resume pair like the CLI\'s (a wrong restore still fails)', () => {
    const viaSql = (events: HistoryEvent[]) =>
      events.map((e) => (e.kind === 'operation' ? { ...e, name: e.name.replace(/-(cli|rest)$/, '-sql'), target: e.target.replace('Click Event Count', 'SQL Click Event Count') } : e));
    expect(only(viaSql(stopAndResume({ path: SP })))).toMatchObject({ code: 'fault.stop-with-savepoint.confirmed', evidence: { via: 'sql', jobId: 'j2' } });
    expect(only(viaSql(stopAndResume({ path: 'file:/tmp/flink-checkpoints-directory/j1/chk-9', isSavepoint: false })))).toMatchObject({ code: 'fault.stop-with-savepoint.wrong-restore', effect: 'fail' });
  });

  test('a stop never resumed is recorded as info; a failed stop is inconclusive', () => {
    expect(only(stopAndResume(undefined).slice(0, 2))).toMatchObject({ code: 'fault.stop-with-savepoint.not-resumed', effect: 'info' });
    expect(
      only([
        { t: 1_000, kind: 'operation', name: 'stop-with-savepoint-rest', target: 'job j1', phase: 'invoke' },
        { t: 3_000, kind: 'operation', name: 'stop-with-savepoint-rest', target: 'job j1', phase: 'fail', detail: 'savepoint failed' },
      ]),
    ).toMatchObject({ code: 'fault.stop-with-savepoint.failed', effect: 'inconclusive' });
  });

  test('a stop that failed while a fault was injected is the fault\'s doing (info); a fault before or after it does not excuse it', () => {
    const stop: HistoryEvent[] = [
      { t: 1_000, kind: 'operation', name: 'stop-with-savepoint-rest', target: 'job j1', phase: 'invoke' },
      { t: 3_000, kind: 'operation', name: 'stop-with-savepoint-rest', target: 'job j1', phase: 'fail', detail: 'CompletionException' },
    ];
    const stopReason = (events: HistoryEvent[]) => faultEvidence(history(events)).find((r) => r.code.startsWith('fault.stop-with-savepoint'));
    expect(stopReason([...stop, ...kill(1_200)])).toMatchObject({ code: 'fault.stop-with-savepoint.failed-under-fault', effect: 'info', evidence: { faultInvokedAt: 1_200 } });
    expect(stopReason([...kill(500), ...stop])).toMatchObject({ code: 'fault.stop-with-savepoint.failed', effect: 'inconclusive' });
    expect(stopReason([...stop, ...kill(3_500)])).toMatchObject({ code: 'fault.stop-with-savepoint.failed', effect: 'inconclusive' });
  });
});

test('a fault with no rule is inconclusive, never confirmed', () => {
  const r = only([
    { t: 1, kind: 'fault', name: 'partition-network', target: 'jobmanager', phase: 'invoke' },
    { t: 2, kind: 'fault', name: 'partition-network', target: 'jobmanager', phase: 'ok' },
  ]);
  expect(r).toMatchObject({ code: 'fault.partition-network.no-evidence', effect: 'inconclusive' });
});

// ---- properties ----

const TMS = [TM, 'fh-run-x-taskmanager-2'];
const IPS = ['172.18.0.5', '172.18.0.6'];

/** Random evidence-like events: exceptions (anywhere, naming any TaskManager or none), restores, job states, checkpoints. */
const noiseArb = fc.array(
  fc.oneof(
    fc.record({ t: fc.nat(60_000), ts: fc.nat(60_000), where: fc.constantFrom(...IPS.map((ip) => `${ip}:4000`), TMS[1]!, '10.0.0.9:4000') }).map(
      ({ t, ts, where }): HistoryEvent => lost(t, ts, where),
    ),
    fc.record({ t: fc.nat(60_000), at: fc.nat(60_000) }).map(({ t, at }) => restore(t, at)),
    fc.record({ t: fc.nat(60_000), s: fc.constantFrom('RUNNING', 'RESTARTING', 'FAILING') }).map(({ t, s }) => state(t, s)),
  ),
  { maxLength: 30 },
);

const confirmedKills = (events: HistoryEvent[]) => faultEvidence(history(events)).filter((r) => r.code === 'fault.kill-taskmanager.confirmed');

describe('properties', () => {
  test('a kill with no exception naming that TaskManager is never confirmed', () => {
    fc.assert(
      fc.property(fc.nat(60_000), noiseArb, (t, noise) => {
        // The killed TaskManager is at an address no exception names.
        const events = [...kill(t, ['172.18.0.99']), ...noise];
        expect(confirmedKills(events)).toEqual([]);
      }),
    );
  });

  test('evidence from before the kill never counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60_000 }), noiseArb, (t, noise) => {
        // Every exception that names it happened before the kill.
        const early = noise.map((e) => (e.kind === 'job-exception' ? { ...e, timestamp: Math.min(e.timestamp, t - 1) } : e));
        expect(confirmedKills([...kill(t), ...early])).toEqual([]);
      }),
    );
  });

  test('a kill named after it and followed by a restore is confirmed, whatever else happened, in any recorded order', () => {
    fc.assert(
      fc.property(fc.nat(30_000), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 5_000 }), noiseArb, fc.nat(), (t, dx, dr, noise, seed) => {
        const events = [...kill(t), ...noise.filter((e) => e.kind !== 'job-exception'), lost(t + dx + 10, t + dx), restore(t + dx + dr + 10, t + dx + dr)];
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { seed, numRuns: 1 })[0]!;
        expect(confirmedKills(shuffled)).toHaveLength(1);
      }),
    );
  });

  test('one reason per fault occurrence, and a fault is confirmed only with some evidence event after it', () => {
    const faultArb = fc.record({ t: fc.nat(60_000), name: fc.constantFrom('kill-taskmanager', 'pause-taskmanager', 'restart-kafka', 'kafka-outage', 'other'), ok: fc.boolean() });
    fc.assert(
      fc.property(fc.array(faultArb, { maxLength: 5 }), noiseArb, (faults, noise) => {
        const faultEvents = faults.flatMap(({ t, name, ok }): HistoryEvent[] => [
          { t, kind: 'fault', name, target: `${name}-target-${t}`, phase: 'invoke' },
          { t: t + 10, kind: 'fault', name, target: `${name}-target-${t}`, phase: ok ? 'ok' : 'fail' },
        ]);
        const reasons = faultEvidence(history([...faultEvents, ...noise]));
        expect(reasons).toHaveLength(faults.length);
        for (const [i, f] of [...faults].sort((a, b) => a.t - b.t).entries()) {
          if (!f.ok || f.name === 'other') expect(reasons[i]!.effect).toBe('inconclusive');
          // Targets named after their fault: no exception names them, no log line or lag sample exists.
          if (f.name !== 'pause-taskmanager') expect(reasons[i]!.code.endsWith('.confirmed')).toBe(false);
        }
      }),
    );
  });

  test('broker faults: without a Kafka client error in the window, never confirmed, whatever the lag did', () => {
    fc.assert(
      fc.property(fc.nat(30_000), fc.array(fc.record({ t: fc.nat(80_000), v: fc.nat(10_000) }), { maxLength: 20 }), fc.nat(30_000), (t, lags, early) => {
        const events: HistoryEvent[] = [
          { t, kind: 'fault', name: 'restart-kafka', target: KAFKA, phase: 'invoke' },
          { t: t + 5_000, kind: 'fault', name: 'restart-kafka', target: KAFKA, phase: 'ok' },
          ...lags.map(({ t: lt, v }): HistoryEvent => ({ t: lt, kind: 'metric', jobId: '', vertex: 'input', name: CONSUMER_LAG, value: v })),
          // A client error before the fault, or long after it.
          { t: early < t ? early : t + 5_000 + 30_000 + early, kind: 'log-evidence', node: TM, what: 'kafka-client broker-unreachable', line: 'x' },
        ];
        expect(faultEvidence(history(events))[0]!.code).not.toBe('fault.restart-kafka.confirmed');
      }),
    );
  });
});

describe('namesTaskManager, as the adaptive scheduler words it', () => {
  test('a lost TaskManager named only in the message counts by its address, another address does not', () => {
    const e = { t: 1, kind: 'job-exception', jobId: 'j', timestamp: 1, exceptionName: 'ResourceManagerException', message: 'TaskManager with id 172.17.0.4:33073-a4c011 is no longer reachable.' } as const;
    expect(namesTaskManager(e, 'tm-1', ['172.17.0.4'])).toBe(true);
    expect(namesTaskManager(e, 'tm-1', ['172.17.0.5'])).toBe(false);
  });
});
