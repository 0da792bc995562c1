import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type GeneratorLedger, type History, type HistoryEvent, type OraclePolicy } from '../history/types.js';
import { judge, judgeHistory } from './oracle.js';
import { oracleReasons } from './oracle-reasons.js';
import { decide } from './outcome.js';
import { anyLedgerArb } from './test-support/arbitraries.js';
import { correctPayloads, toRecords, uniformLedger, type Payload } from './test-support/clicks.js';
import { disturbance, disturbedRun, QUIET_RUN } from './test-support/runs.js';

const ALO: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };
const EO: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };

describe('oracleReasons', () => {
  test('failures fail with oracle.<kind> and their evidence; tolerated and info are info', () => {
    const ledger = uniformLedger(2);
    const payloads = correctPayloads(ledger);
    const output = toRecords([...payloads.slice(1), { ...payloads[3], count: 999 }, payloads[4]]);
    const reasons = oracleReasons(judge(ledger, output, ALO, disturbedRun(disturbance(1_000_000, 1_000_100))));
    expect(reasons.map((r) => [r.code, r.effect])).toEqual([
      ['oracle.missing', 'fail'],
      ['oracle.conflicting-duplicate', 'fail'],
      ['oracle.identical-duplicate', 'info'],
    ]);
    expect(reasons[0].evidence).toMatchObject({ count: 1, problems: [{ windowStart: payloads[0].windowStart, page: payloads[0].page, expected: 1000 }] });
    expect(reasons[1].evidence).toMatchObject({ problems: [{ counts: [1000, 999], locations: [{ partition: expect.any(Number), offset: expect.any(String) }, {}] }] });
    expect(decide(reasons).outcome).toBe('fail');
  });

  test('a clean run passes with oracle.held; a run with nothing to judge is inconclusive', () => {
    const ledger = uniformLedger(2);
    const held = oracleReasons(judge(ledger, toRecords(correctPayloads(ledger)), ALO, QUIET_RUN));
    expect(held.map((r) => r.code)).toEqual(['oracle.held']);
    expect(decide(held).outcome).toBe('pass');

    const empty: GeneratorLedger = { ...ledger, acknowledged: {}, total: 0 };
    const none = oracleReasons(judge(empty, [], ALO, QUIET_RUN));
    expect(decide(none).outcome).toBe('inconclusive');
    expect(none[0]).toMatchObject({ code: 'oracle.not-judged', effect: 'inconclusive', evidence: { problems: [{ what: 'no-input' }] } });
  });

  test('tolerances judged without a history are inconclusive; late drops not read are info unless required', () => {
    const ledger = uniformLedger(2);
    const payloads = correctPayloads(ledger);
    const v = judge(ledger, toRecords([...payloads, payloads[0]]), ALO);
    expect(decide(oracleReasons(v)).outcome).toBe('inconclusive');
    const unread = judge(ledger, toRecords(payloads), ALO, { disturbances: [] });
    expect(oracleReasons(unread).find((r) => r.code === 'oracle.late-drops-unread')?.effect).toBe('info');
    expect(decide(oracleReasons(unread)).outcome).toBe('pass');
    expect(decide(oracleReasons(unread, { lateDropsUnread: 'inconclusive' })).outcome).toBe('inconclusive');
  });

  test('many failures of one kind are one reason, with the first problems as evidence and the count', () => {
    const ledger = uniformLedger(8);
    const reasons = oracleReasons(judge(ledger, toRecords(correctPayloads(ledger).slice(0, 6)), ALO, QUIET_RUN), { maxEvidence: 5 });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'oracle.missing', effect: 'fail', evidence: { count: 42, omitted: 37 } });
    expect((reasons[0].evidence!.problems as unknown[]).length).toBe(5);
    expect(reasons[0].message).toMatch(/^42 missing failure .*\(\+41 more\)$/);
  });

  test('the outcome fails exactly when the verdict does, and passes only with a history behind it', () => {
    const arb = anyLedgerArb.chain((ledger) =>
      fc.record({
        ledger: fc.constant(ledger),
        keep: fc.array(fc.boolean(), { minLength: correctPayloads(ledger).length, maxLength: correctPayloads(ledger).length }),
        repeat: fc.boolean(),
        withHistory: fc.boolean(),
        policy: fc.constantFrom(ALO, EO),
      }),
    );
    fc.assert(
      fc.property(arb, ({ ledger, keep, repeat, withHistory, policy }) => {
        const kept = correctPayloads(ledger).filter((_, i) => keep[i]);
        const values: Payload[] = repeat && kept.length > 0 ? [...kept, kept[0]] : kept;
        const v = judge(ledger, toRecords(values), policy, withHistory ? QUIET_RUN : undefined);
        const outcome = decide(oracleReasons(v)).outcome;
        expect(outcome === 'fail').toBe(!v.ok);
        if (outcome === 'pass') expect(withHistory || v.summary.duplicateRecords === 0).toBe(true);
        for (const r of oracleReasons(v)) expect(r.code).toMatch(/^oracle\.[a-z-]+$/);
      }),
    );
  });
});

describe('judgeHistory', () => {
  const ledger = uniformLedger(3);
  const payloads = correctPayloads(ledger);
  const T = 1_900_000_000_000;
  /** The correct output written 1 s apart, then the first window written again at +60 s. */
  const output = toRecords([...payloads, ...payloads.slice(0, 6)]).map((r, i) => ({ ...r, appendMs: i < payloads.length ? T + i * 1000 : T + 60_000 }));
  const history = (events: HistoryEvent[]): History => ({ scenario: 't', flinkVersion: '2.2.1', startedAt: T - 10_000, endedAt: T + 90_000, events, ledger, output });
  const lateDropsRead: HistoryEvent = { t: T + 80_000, kind: 'metric', jobId: 'a', vertex: 'Window', name: 'numLateRecordsDropped', value: 0 };

  test('replays after a TaskManager kill are tolerated, and the verdict names the kill', () => {
    const v = judgeHistory(
      history([
        { t: T + 30_000, kind: 'fault', name: 'kill-taskmanager', target: 'taskmanager-1', phase: 'invoke' },
        { t: T + 30_200, kind: 'fault', name: 'kill-taskmanager', target: 'taskmanager-1', phase: 'ok' },
        lateDropsRead,
      ]),
      ALO,
    );
    expect(v.ok).toBe(true);
    expect(v.summary).toMatchObject({ disturbances: 1, lateRecordsDropped: 0 });
    expect(v.problems).toHaveLength(6);
    expect(v.problems.every((p) => p.kind === 'identical-duplicate' && p.attributedTo?.[0].startsWith('fault kill-taskmanager taskmanager-1'))).toBe(true);
    expect(decide(oracleReasons(v)).outcome).toBe('pass');
  });

  test('the same replays in a run nothing disturbed fail as duplicates without a fault', () => {
    const v = judgeHistory(history([lateDropsRead]), ALO);
    expect(v.summary.byKind['duplicate-without-fault']).toBe(6);
    expect(decide(oracleReasons(v)).reasons[0]).toMatchObject({ code: 'oracle.duplicate-without-fault', effect: 'fail', evidence: { count: 6 } });
  });

  test('a restore Flink recorded is a disturbance too; late drops read from the history fail', () => {
    const restore: HistoryEvent = { t: T + 70_000, kind: 'restore', jobId: 'a', checkpointId: 3, path: 'file:/chk-3', isSavepoint: false, restoredAt: T + 40_000 };
    const dropped: HistoryEvent = { ...lateDropsRead, value: 12 } as HistoryEvent;
    const v = judgeHistory(history([restore, dropped]), ALO);
    expect(v.problems.filter((p) => p.severity === 'failure')).toEqual([
      { kind: 'late-records-dropped', severity: 'failure', dropped: 12, readings: [{ jobId: 'a', vertex: 'Window', value: 12, t: T + 80_000 }] },
    ]);
    expect(v.summary.byKind['identical-duplicate']).toBe(6);
  });
});
