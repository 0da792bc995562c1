import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../history/types.js';
import { EXPLAINED_FOR_MS, jobFailures, RESTART_LOOP_MIN, restartLoopReasons } from './restart-loop.js';

// Flink 2.2.1's root cause in the changelog + CLAIM resume loop (docs/findings/).
const FULL_SNAPSHOT = 'java.lang.IllegalStateException: Configured state backend (ChangelogStateBackend) does not support enforcing a full snapshot.';
const HEARTBEAT = 'java.util.concurrent.TimeoutException: The heartbeat of TaskManager with id 172.18.0.5:36789-0ab1c2 timed out.';

const submit = (t: number, name = 'submit-job-cli'): HistoryEvent[] => [
  { t, kind: 'operation', name, target: 'Click Event Count', phase: 'invoke' },
  { t: t + 3_000, kind: 'operation', name, target: 'Click Event Count', phase: 'ok' },
];
const failure = (at: number, message = FULL_SNAPSHOT, jobId = 'j1'): HistoryEvent => ({
  t: at + 400,
  kind: 'job-exception',
  jobId,
  timestamp: at,
  exceptionName: message.split(':')[0]!,
  message,
});
const checkpoint = (t: number, id: number, jobId = 'j1'): HistoryEvent => ({ t, kind: 'checkpoint', jobId, id, type: 'checkpoint' });
const codes = (events: HistoryEvent[]) => restartLoopReasons(events).map((r) => `${r.code}:${r.effect}`);

describe('restart loop: Flink failing over and over with nothing to explain it', () => {
  test("the finding's shape: a resumed job failing every 2 s on one cause, no checkpoint completing, is job.restart-loop (fail) with the cause", () => {
    const t0 = 1_000_000;
    const events = [...submit(t0), ...submit(t0 + 20_000, 'submit-job-cli'), ...Array.from({ length: 90 }, (_, i) => failure(t0 + 24_000 + i * 2_000))];
    const [r] = restartLoopReasons(events);
    expect(r?.code).toBe('job.restart-loop');
    expect(r?.effect).toBe('fail');
    expect(r?.message).toContain('does not support enforcing a full snapshot');
    // The 30 failures within a minute of the resubmission's ok (t0 + 23 s) are its effect; the other 60 are the loop.
    expect(r?.evidence?.failures).toBe(60);
  });

  test('a TaskManager kill and its heartbeat timeout: explained, no reason at all', () => {
    const t0 = 1_000_000;
    const events: HistoryEvent[] = [
      ...submit(t0),
      { t: t0 + 10_000, kind: 'fault', name: 'kill-taskmanager', target: 'tm-1', phase: 'invoke' },
      { t: t0 + 10_050, kind: 'fault', name: 'kill-taskmanager', target: 'tm-1', phase: 'ok' },
      failure(t0 + 15_000, HEARTBEAT),
      { t: t0 + 16_000, kind: 'operation', name: 'start-taskmanager', target: 'tm-1', phase: 'invoke' },
      { t: t0 + 16_500, kind: 'operation', name: 'start-taskmanager', target: 'tm-1', phase: 'ok' },
    ];
    expect(restartLoopReasons(events)).toEqual([]);
    expect(jobFailures(events)[0]?.explainedBy).toMatch(/kill-taskmanager/);
  });

  test('a fault is held until the next operation on its target: failures during a long broker pause are its effect', () => {
    const t0 = 1_000_000;
    const events: HistoryEvent[] = [
      ...submit(t0),
      { t: t0 + 10_000, kind: 'fault', name: 'pause-kafka', target: 'kafka', phase: 'invoke' },
      { t: t0 + 10_010, kind: 'fault', name: 'pause-kafka', target: 'kafka', phase: 'ok' },
      ...Array.from({ length: 20 }, (_, i) => failure(t0 + 80_000 + i * 5_000, 'org.apache.kafka.common.errors.TimeoutException: Timeout expired')),
      { t: t0 + 200_000, kind: 'operation', name: 'unpause-kafka', target: 'kafka', phase: 'invoke' },
      { t: t0 + 200_010, kind: 'operation', name: 'unpause-kafka', target: 'kafka', phase: 'ok' },
    ];
    expect(restartLoopReasons(events)).toEqual([]);
  });

  test('unexplained failures that completed checkpoints separate are no loop: job.unexplained-failure, info', () => {
    const t0 = 1_000_000;
    const events: HistoryEvent[] = [...submit(t0)];
    for (let i = 0; i < 8; i++) events.push(failure(t0 + 100_000 + i * 20_000, 'org.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold.'), checkpoint(t0 + 110_000 + i * 20_000, i + 1));
    expect(codes(events)).toEqual(['job.unexplained-failure:info']);
  });

  test('property: n unexplained failures with no checkpoint between make a loop exactly when n >= RESTART_LOOP_MIN; each job is judged alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 500, max: 30_000 }),
        fc.integer({ min: EXPLAINED_FOR_MS + 5_000, max: 600_000 }),
        (n1, n2, gap, after) => {
          const t0 = 1_000_000;
          const start = t0 + 3_000 + after;
          const events: HistoryEvent[] = [
            ...submit(t0),
            ...Array.from({ length: n1 }, (_, i) => failure(start + i * gap, FULL_SNAPSHOT, 'j1')),
            ...Array.from({ length: n2 }, (_, i) => failure(start + i * gap + 1, HEARTBEAT, 'j2')),
          ];
          const reasons = restartLoopReasons(events);
          for (const [job, n] of [['j1', n1], ['j2', n2]] as const) {
            const r = reasons.find((x) => x.evidence?.jobId === job);
            if (n === 0) expect(r).toBeUndefined();
            else expect(r?.code).toBe(n >= RESTART_LOOP_MIN ? 'job.restart-loop' : 'job.unexplained-failure');
          }
        },
      ),
    );
  });

  test('property: a failure within EXPLAINED_FOR_MS after a fault ends is never unexplained, however many', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: EXPLAINED_FOR_MS }), { maxLength: 40 }), fc.constantFrom('kill-taskmanager', 'restart-kafka', 'kafka-outage', 'partition-network'), (offsets, name) => {
        const t0 = 1_000_000;
        const events: HistoryEvent[] = [
          ...submit(t0),
          { t: t0 + 10_000, kind: 'fault', name, target: 'x', phase: 'invoke' },
          { t: t0 + 12_000, kind: 'fault', name, target: 'x', phase: 'ok' },
          ...offsets.map((o) => failure(t0 + 12_000 + o)),
        ];
        expect(restartLoopReasons(events)).toEqual([]);
      }),
    );
  });

  test('property: a completed checkpoint between any two failures breaks the loop; the longest stretch decides', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 6 }), (stretches) => {
        const t0 = 1_000_000;
        let t = t0 + 200_000;
        const events: HistoryEvent[] = [...submit(t0)];
        stretches.forEach((n, s) => {
          for (let i = 0; i < n; i++) events.push(failure((t += 2_000)));
          events.push(checkpoint((t += 1_000), s + 1));
        });
        const longest = Math.max(...stretches);
        const r = restartLoopReasons(events)[0];
        expect(r?.code).toBe(longest >= RESTART_LOOP_MIN ? 'job.restart-loop' : 'job.unexplained-failure');
        if (longest >= RESTART_LOOP_MIN) expect(r?.evidence?.failures).toBe(longest);
      }),
    );
  });
});
