import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decide, type Effect, type Reason } from '../../assertions/outcome.js';
import { judge } from '../../assertions/oracle.js';
import type { GeneratorLedger, HistoryEvent } from '../../history/types.js';
import { profileNamed } from '../../containers/profiles/profile.js';
import { catchCodes } from './calibration-cell.js';
import { asInconclusiveControl, decideScenario, judgmentReasons, notFlinksUnderInputMismatch, ownJudgmentReasons } from './scenario-outcome.js';

const reason = (effect: Effect, code: Reason['code'] = `x.${effect}` as Reason['code']): Reason => ({ code, effect, message: code });
const ledger: GeneratorLedger = { windowMs: 15_000, pages: ['/help'], acknowledged: { '0': { '/help': 3 } }, total: 3, maxTimestampMs: 40_000, closedThroughMs: 30_000 };
const missing = judge(ledger, [], { sink: 'at-least-once', time: 'event-time' });
const right = judge(
  ledger,
  [{ partition: 0, offset: '0', arrivalMs: 1, value: new TextEncoder().encode('{"windowStart":0,"windowEnd":15000,"page":"/help","count":3}') }],
  { sink: 'at-least-once', time: 'event-time' },
  { disturbances: [], lateRecordsDropped: [{ jobId: 'j', vertex: 'ClickEvent Counter', value: 0, t: 2 }] },
);
const unreadLateDrops = judge(ledger, [], { sink: 'at-least-once', time: 'event-time' }, { disturbances: [] });

describe('a scenario outcome', () => {
  test('fail beats inconclusive beats pass, and a pass has no fail or inconclusive reason', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Effect>('fail', 'inconclusive', 'info')), (effects) => {
        const o = decide(effects.map((e) => reason(e)));
        const want = effects.includes('fail') ? 'fail' : effects.includes('inconclusive') ? 'inconclusive' : 'pass';
        expect(o.outcome).toBe(want);
        expect(o.reasons.map((r) => r.effect)).toEqual([...effects].sort((a, b) => ['fail', 'inconclusive', 'info'].indexOf(a) - ['fail', 'inconclusive', 'info'].indexOf(b)));
      }),
    );
  });

  test("an oracle failure is a fail reason per problem kind; a right run adds none", () => {
    expect(missing.ok).toBe(false);
    const decisive = (v: typeof missing) => judgmentReasons({ verdict: v, expect: 'pass' }).filter((r) => r.effect !== 'info').map((r) => [r.code, r.effect]);
    expect(decisive(missing)[0]).toEqual(['oracle.missing', 'fail']);
    expect(decisive(right)).toEqual([]);
    // No numLateRecordsDropped reading: the oracle cannot vouch for the run.
    expect(decisive(unreadLateDrops)).toContainEqual(['oracle.late-drops-unread', 'inconclusive']);
  });

  test('a negative control passes only when the oracle rejects it', () => {
    expect(judgmentReasons({ verdict: missing, expect: 'fail' }).map((r) => r.effect)).toEqual(['info']);
    expect(judgmentReasons({ verdict: right, expect: 'fail' }).map((r) => [r.code, r.effect])).toEqual([['control.not-detected', 'fail']]);
    expect(decide(judgmentReasons({ verdict: right, expect: 'any' })).outcome).toBe('pass');
  });

  test('a run that claims a profile without reading it back is inconclusive, never a pass', () => {
    const history = { scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [], ledger, output: [] };
    const record = { result: { name: 's', flinkVersion: '2.2.1', status: 'passed' as const, durationMs: 1 }, judgments: [], history, usedGenerator: false };
    expect(decideScenario(record).outcome).toBe('pass');
    const claimed = decideScenario({ ...record, profile: profileNamed('rocksdb-incremental') });
    expect(claimed.outcome).toBe('inconclusive');
    expect(claimed.reasons.map((r) => r.code)).toContain('profile.not-verified');
  });

  test("an own checker's outcome counts like the oracle's; a control's is turned round; one reason per identical reason", () => {
    const history = { scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [], ledger, output: [] };
    const record = { result: { name: 's', flinkVersion: '2.2.1', status: 'passed' as const, durationMs: 1 }, judgments: [], history, usedGenerator: true };
    const lost = decide([reason('fail', 'differential.missing'), reason('info', 'fault.kill-taskmanager.confirmed')]);
    const matched = decide([reason('info', 'differential.matched')]);
    // A generator but no judgment of any kind: inconclusive; an own judgment is one.
    expect(decideScenario(record).outcome).toBe('inconclusive');
    expect(decideScenario({ ...record, own: [{ outcome: matched, expect: 'pass', what: 'own job d' }] }).outcome).toBe('pass');
    expect(decideScenario({ ...record, own: [{ outcome: lost, expect: 'pass', what: 'own job d' }] }).outcome).toBe('fail');
    expect(ownJudgmentReasons({ outcome: lost, expect: 'fail', what: 'own job d' }).map((r) => [r.code, r.effect])).toEqual([['control.detected', 'info']]);
    expect(decideScenario({ ...record, own: [{ outcome: matched, expect: 'fail', what: 'own job d' }] }).reasons.map((r) => r.code)).toContain('control.not-detected');
    const twice = decideScenario({ ...record, own: [{ outcome: lost, expect: 'pass', what: 'a' }, { outcome: lost, expect: 'pass', what: 'b' }] });
    expect(twice.reasons.filter((r) => r.code === 'differential.missing')).toHaveLength(1);
  });
});

describe('the harness\'s own input', () => {
  test('a generator that could not account for its input makes the run inconclusive, not a Flink failure; other errors still fail', async () => {
    const { InputUncertainError } = await import('../../workload/click-generator.js');
    const history = { scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [], ledger: { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 }, output: [] };
    const error = String(new InputUncertainError('input-0: a failed send ... what Kafka kept is unknown').stack);
    const record = { result: { name: 's', flinkVersion: '2.2.1', status: 'error' as const, durationMs: 1, error }, judgments: [], history, usedGenerator: true };
    const decided = decideScenario(record);
    expect(decided.outcome).toBe('inconclusive');
    expect(decided.reasons[0]?.code).toBe('workload.input-uncertain');
    expect(decideScenario({ ...record, result: { ...record.result, error: 'Error: boom' } }).outcome).toBe('fail');
  });
});

describe('input the ledger does not count', () => {
  const codes = ['oracle.wrong-count', 'oracle.missing', 'oracle.unexpected', 'fence.not-drained', 'eos.lingering-transaction', 'scenario.assertion', 'fault.kill-taskmanager.no-effect', 'workload.input-mismatch', 'workload.send-recovered'] as const;
  const arbReason = fc.record({ code: fc.constantFrom(...codes), effect: fc.constantFrom<Effect>('fail', 'inconclusive', 'info') }).map((r) => reason(r.effect, r.code));

  test("demotes the oracle's failures, and only those, to inconclusive: never a Flink failure, never a pass", () => {
    fc.assert(
      fc.property(fc.array(arbReason, { maxLength: 12 }), (reasons) => {
        const out = notFlinksUnderInputMismatch(reasons);
        expect(out.length).toBe(reasons.length);
        const mismatch = reasons.some((r) => r.code === 'workload.input-mismatch' && r.effect !== 'info');
        out.forEach((r, i) => {
          const was = reasons[i]!;
          expect(r.code).toBe(was.code);
          const demoted = mismatch && was.effect === 'fail' && was.code.startsWith('oracle.');
          expect(r.effect).toBe(demoted ? 'inconclusive' : was.effect);
          if (demoted) expect(r.evidence?.demotedBy).toBe('workload.input-mismatch');
        });
        // With a mismatch, the outcome is never a pass.
        if (mismatch) expect(decide(out).outcome).not.toBe('pass');
      }),
    );
  });

  test("a scenario assertion that failed on the oracle's verdict is demoted with it; any other assertion still fails", () => {
    const mismatch = reason('inconclusive', 'workload.input-mismatch');
    const onVerdict: Reason = { code: 'scenario.assertion', effect: 'fail', message: 'AssertionError: verdict FAILED (exactly-once, event-time): 6 failure(s), 0 tolerated, 1 info' };
    const other: Reason = { code: 'scenario.assertion', effect: 'fail', message: 'AssertionError: the resumed job is a new job: expected 1 not to be 1' };
    const [demoted, kept] = notFlinksUnderInputMismatch([onVerdict, other, mismatch]);
    expect(demoted).toMatchObject({ effect: 'inconclusive', evidence: { demotedBy: 'workload.input-mismatch' } });
    expect(kept!.effect).toBe('fail');
    expect(decide(notFlinksUnderInputMismatch([onVerdict, mismatch])).outcome).toBe('inconclusive');
    // Without the mismatch the verdict's failure is Flink's.
    expect(decide(notFlinksUnderInputMismatch([onVerdict])).outcome).toBe('fail');
  });

  test('an inconclusive control passes only for its reason; a failure stays a failure; other inconclusive reasons stay', () => {
    fc.assert(
      fc.property(fc.array(arbReason, { maxLength: 12 }), (raw) => {
        const before = decide(notFlinksUnderInputMismatch(raw));
        const after = asInconclusiveControl(before, 'workload.input-mismatch');
        const hit = before.reasons.some((r) => r.code === 'workload.input-mismatch' && r.effect === 'inconclusive');
        if (before.outcome === 'fail') expect(after).toEqual(before);
        else if (!hit) {
          expect(after.outcome).toBe('fail');
          expect(after.reasons[0]!.code).toBe('control.not-detected');
        } else {
          const others = before.reasons.filter((r) => r.effect === 'inconclusive' && r.code !== 'workload.input-mismatch' && r.evidence?.demotedBy === undefined);
          expect(after.outcome).toBe(others.length > 0 ? 'inconclusive' : 'pass');
          expect(after.reasons.map((r) => r.code)).toContain('control.detected');
        }
      }),
    );
  });

  test('decideScenario: a stray record fails the oracle, the audit makes it inconclusive, the control makes it a pass', () => {
    const audit = (end: string) => ({
      kind: 'check' as const,
      t: 1,
      name: 'input-audit',
      ok: end === '3',
      detail: 'audit',
      data: { topic: 'input', recoveries: 0, partitions: [{ partition: 0, start: '0', written: 3, end }] },
    });
    const lost = judge(ledger, [], { sink: 'at-least-once', time: 'event-time' }, { disturbances: [], lateRecordsDropped: [{ jobId: 'j', vertex: 'ClickEvent Counter', value: 0, t: 2 }] });
    const history = (end: string) => ({ scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: [audit(end)], ledger, output: [] });
    const record = (end: string) => ({ result: { name: 's', flinkVersion: '2.2.1', status: 'passed' as const, durationMs: 1 }, judgments: [{ verdict: lost, expect: 'pass' as const }], history: history(end), usedGenerator: true });
    expect(decideScenario(record('3')).outcome).toBe('fail');
    const stray = decideScenario(record('4'));
    expect(stray.outcome).toBe('inconclusive');
    expect(stray.reasons.find((r) => r.code === 'oracle.missing')?.effect).toBe('inconclusive');
    const control = decideScenario({ ...record('4'), expectInconclusive: 'workload.input-mismatch' });
    expect(control.reasons.filter((r) => r.effect !== 'info')).toEqual([]);
    expect(control.outcome).toBe('pass');
    expect(decideScenario({ ...record('3'), expectInconclusive: 'workload.input-mismatch' }).outcome).toBe('fail');
  });
});

describe('a negative control caught by the fence', () => {
  // The calibration mutant alo-sink-claims-eo: an at-least-once sink in a run that claims exactly-once.
  // Measured (campaign, 4 Dec): the fence's eos.not-transactional caught it, yet the run's outcome was
  // `fail`, so a campaign counted a correctly caught mutant as a red verdict.
  const parts = (outside: number) => [0, 1].map((partition) => ({
    partition, from: '0', to: '10', dataRecords: 10, outsideTransactions: outside, ...(outside ? { firstOutsideOffset: '0' } : {}),
    transactionalProducers: outside ? [] : ['7'], commitMarkers: outside ? 0 : 1, abortMarkers: 0, committingProducers: outside ? [] : ['7'], abortedRanges: [], openRecords: 0,
  }));
  const ids = (outside: number) => (outside ? [] : [{ transactionalId: 'click-event-count-0-1', producerId: 7, state: 'CompleteCommit' }]);
  const fenceEvents = (outside: number): HistoryEvent[] => [
    { t: 1, kind: 'check', name: 'fence', ok: true, detail: 'stopped', data: { jobs: [{ jobId: 'j', how: 'stop-with-savepoint', finalState: 'FINISHED', ms: 1 }] } },
    { t: 2, kind: 'check', name: 'eos-lso', ok: true, detail: 'lso', data: { partitions: [0, 1].map((partition) => ({ partition, hwm: '10', lso: '10' })), deadlineMs: 1 } },
    { t: 3, kind: 'check', name: 'fence-drain', ok: true, detail: 'drain', data: { isolation: 'read_committed', partitions: [0, 1].map((partition) => ({ partition, hwm: '10', lso: '10', read: '10' })), records: 20 } },
    { t: 4, kind: 'check', name: 'eos-open-transactions', ok: true, detail: 'txns', data: { prefix: 'click-event-count', open: [] } },
    { t: 5, kind: 'check', name: 'eos-transactional-output', ok: outside === 0, detail: 'tx', data: { topic: 'output', prefix: 'click-event-count', transactionalIds: ids(outside), partitions: parts(outside) } },
  ];
  const run = (outside: number, expect: 'pass' | 'fail', verdict = right) => decideScenario({
    result: { name: 's', flinkVersion: '2.2.1', status: 'passed', durationMs: 1 },
    judgments: [{ verdict, expect }],
    history: { scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, events: fenceEvents(outside), ledger, output: [] },
    usedGenerator: false,
    sink: 'exactly-once',
  });

  test('the fence catching a control is its detection: the control passes, the catch kept as info', () => {
    for (const verdict of [right, missing]) {
      const o = run(10, 'fail', verdict);
      expect(o.outcome).toBe('pass');
      expect(o.reasons.find((r) => r.code === 'eos.not-transactional')?.effect).toBe('info');
      expect(o.reasons.some((r) => r.code === 'control.detected')).toBe(true);
      // The kill matrix still counts the fence's catch.
      expect(catchCodes(verdict, o)).toContain('eos.not-transactional');
    }
  });

  test('outside a control the same fence finding fails the run; a control nothing catches still fails', () => {
    expect(run(10, 'pass').outcome).toBe('fail');
    expect(run(10, 'pass').reasons.find((r) => r.code === 'eos.not-transactional')?.effect).toBe('fail');
    // A fence that could not read the output to its end caught nothing: its reason keeps its effect.
    const undrained = decideScenario({
      result: { name: 's', flinkVersion: '2.2.1', status: 'passed', durationMs: 1 },
      judgments: [{ verdict: missing, expect: 'fail' }],
      history: { scenario: 's', flinkVersion: '2.2.1', startedAt: 0, endedAt: 1, ledger, output: [], events: fenceEvents(0).map((e) => (e.kind === 'check' && e.name === 'fence-drain'
        ? { ...e, ok: false, data: { isolation: 'read_committed', partitions: [0, 1].map((partition) => ({ partition, hwm: '10', lso: '10', read: '4' })), records: 8 } }
        : e)) },
      usedGenerator: false,
      sink: 'exactly-once',
    });
    expect(undrained.reasons.find((r) => r.code === 'fence.not-drained')?.effect).toBe('inconclusive');
    expect(undrained.outcome).toBe('inconclusive');
    const uncaught = run(0, 'fail');
    expect(uncaught.outcome).toBe('fail');
    expect(uncaught.reasons.map((r) => r.code)).toContain('control.not-detected');
  });
});
