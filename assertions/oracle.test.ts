import { describe, expect, test } from 'vitest';
import type { OraclePolicy } from '../history/types.js';
import { expectVerdictFails, expectVerdictOk } from './expect-verdict.js';
import { formatVerdict } from './format-verdict.js';
import { judge } from './oracle.js';
import { correctPayloads, FIRST_WINDOW, makeLedger, toRecords, uniformLedger } from './test-support/clicks.js';
import { disturbance, disturbedRun, QUIET_RUN } from './test-support/runs.js';

const ALO: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };
const EO: OraclePolicy = { sink: 'exactly-once', time: 'event-time' };
const text = (s: string) => new TextEncoder().encode(s);

describe('judge, by example', () => {
  test('the generator’s exact output passes under both sinks', () => {
    const ledger = uniformLedger(4);
    const output = toRecords(correctPayloads(ledger));
    expectVerdictOk(judge(ledger, output, ALO));
    const v = judge(ledger, output, EO);
    expectVerdictOk(v);
    expect(v.summary).toMatchObject({ records: 24, wellFormed: 24, distinct: 24, duplicateRecords: 0, expectedKeys: 24 });
  });

  test('each kind of malformed value is named, and none throws', () => {
    const ledger = uniformLedger(1);
    const good = { windowStart: FIRST_WINDOW, windowEnd: FIRST_WINDOW + 15_000, page: '/help', count: 1000 };
    const cases: [Uint8Array | null, RegExp][] = [
      [null, /tombstone/],
      [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
      [text('{"windowStart": 1'), /not JSON/],
      [text('[1,2]'), /not a JSON object/],
      [text(JSON.stringify({ ...good, count: '1000' })), /count is not an integer/],
      [text(JSON.stringify({ ...good, page: 7 })), /page is not a string/],
      [text(JSON.stringify({ ...good, windowStart: null })), /windowStart is not an integer/],
      [text(JSON.stringify({ ...good, count: 0 })), /not positive/],
      [text(JSON.stringify({ ...good, windowEnd: good.windowEnd + 1 })), /windowEnd .* is not windowStart/],
      [text(JSON.stringify({ ...good, windowStart: good.windowStart + 1, windowEnd: good.windowEnd + 1 })), /not aligned/],
    ];
    const output = toRecords([...correctPayloads(ledger), ...cases.map(([v]) => v)], 1);
    const v = judge(ledger, output, ALO);
    const malformed = v.problems.filter((p) => p.kind === 'malformed');
    expect(malformed).toHaveLength(cases.length);
    cases.forEach(([, reason], i) => {
      const p = malformed.find((m) => m.offset === String(6 + i));
      expect(p && p.kind === 'malformed' && p.reason).toMatch(reason);
    });
    expectVerdictFails(v, ['malformed']);
  });

  test('a window or page never generated is unexpected, even a page named __proto__', () => {
    const ledger = uniformLedger(1);
    const output = toRecords([
      ...correctPayloads(ledger),
      { windowStart: FIRST_WINDOW + 15_000, page: '/help', count: 1000 },
      { windowStart: FIRST_WINDOW, page: '/careers', count: 3 },
      { windowStart: FIRST_WINDOW, page: '__proto__', count: 3 },
    ]);
    const v = judge(ledger, output, ALO, QUIET_RUN);
    const reasons = v.problems.map((p) => (p.kind === 'unexpected' ? p.reason : p.kind));
    expect(reasons).toEqual(['page never generated in this window', 'page never generated in this window', 'window never generated']);
  });

  test('a conflicting duplicate fails even at-least-once, with every location', () => {
    const ledger = uniformLedger(1);
    const payloads = correctPayloads(ledger);
    const v = judge(ledger, toRecords([...payloads, { ...payloads[2], count: 999 }]), ALO);
    expectVerdictFails(v, ['conflicting-duplicate']);
    expect(v.problems[0]).toMatchObject({ kind: 'conflicting-duplicate', expected: 1000, counts: [1000, 999] });
    expect(v.problems[0].kind === 'conflicting-duplicate' && v.problems[0].locations).toHaveLength(2);
  });

  test('an over-count in an unsettled window is still wrong', () => {
    const ledger = { ...makeLedger([[5, 5, 5, 5, 5, 5]]), closedThroughMs: 0 };
    const output = toRecords(correctPayloads(ledger).map((p, i) => (i === 0 ? { ...p, count: 6 } : p)));
    expectVerdictFails(judge(ledger, output, ALO), ['wrong-count']);
  });

  test('processing time: a surplus is tolerated at-least-once only in a disturbed run, fails exactly-once; a shortfall always fails', () => {
    const ledger = makeLedger([[10, 10, 10, 10, 10, 10]]);
    const spread = correctPayloads(ledger).flatMap((p) => [
      { ...p, windowStart: 0, count: 4 },
      { ...p, windowStart: 15_000, count: 6 },
    ]);
    const surplus = toRecords([...spread, { windowStart: 30_000, page: '/help', count: 2 }]);
    const alo: OraclePolicy = { sink: 'at-least-once', time: 'processing-time' };
    const eo: OraclePolicy = { sink: 'exactly-once', time: 'processing-time' };
    const disturbed = disturbedRun(disturbance(1_000_000));
    const tolerated = judge(ledger, surplus, alo, disturbed);
    expectVerdictOk(tolerated);
    expect(tolerated.problems).toEqual([{ kind: 'conservation', severity: 'tolerated', page: '/help', expected: 10, got: 12 }]);
    // Nothing disturbed the run: nothing replays, so the surplus is the job counting twice.
    const strict = judge(ledger, surplus, alo, QUIET_RUN);
    expectVerdictFails(strict, ['conservation']);
    expect(strict.problems[0]).toMatchObject({ severity: 'failure', page: '/help', got: 12, reason: expect.stringMatching(/no disturbance/) });
    // Without a history the old tolerance holds, and the verdict says it could not check it.
    const unknown = judge(ledger, surplus, alo);
    expectVerdictOk(unknown);
    expect(unknown.problems.map((p) => p.kind)).toEqual(['conservation', 'not-judged']);
    expectVerdictFails(judge(ledger, surplus, eo, disturbed), ['conservation']);
    expectVerdictFails(judge(ledger, toRecords(spread.slice(1)), alo, disturbed), ['conservation']);
  });
});

describe('verdict helpers', () => {
  const ledger = uniformLedger(2);
  const payloads = correctPayloads(ledger);

  test('formatVerdict names the category counts and where each problem sits', () => {
    const output = toRecords([...payloads.slice(1), payloads[3], payloads[3]], 2);
    const text = formatVerdict(judge(ledger, output, EO, QUIET_RUN), 1);
    expect(text).toContain('verdict FAILED (exactly-once, event-time)');
    expect(text).toContain('missing 1, identical-duplicate 1');
    expect(text).toMatch(/\[failure\] missing window 1699999995000 \(2023-11-14T22:13:15.000Z\) page "\/help"/);
    expect(text).toContain('... and 1 more');
  });

  test('expectVerdictFails rejects a passing verdict and a failure of another kind', () => {
    const ok = judge(ledger, toRecords(payloads), ALO);
    expect(() => expectVerdictFails(ok, ['missing'])).toThrow(/expected a failing verdict/);
    const missing = judge(ledger, toRecords(payloads.slice(1)), ALO);
    expect(() => expectVerdictFails(missing, ['wrong-count'])).toThrow();
    expect(() => expectVerdictOk(missing)).toThrow(/missing window/);
  });
});
