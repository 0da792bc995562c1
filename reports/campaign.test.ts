import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Outcome } from '../assertions/outcome.js';
import { campaignPage } from './campaign-html.js';
import { parseShard, planCampaign, runReplayCommand, runSeed, shardOf } from './campaign-plan.js';
import {
  CAMPAIGN_KIND,
  campaignResults,
  mergeCampaigns,
  resultOutcome,
  runOutcome,
  stats,
  summarise,
  type CampaignReport,
  type CampaignRun,
} from './campaign-summary.js';

const names = fc.uniqueArray(fc.constantFrom('playground', 'rescale', 'savepoint-resume', 'fault-schedules', 'exactly-once'), { minLength: 1, maxLength: 5 });
const shardArb = fc.integer({ min: 1, max: 7 }).chain((count) => fc.record({ index: fc.integer({ min: 1, max: count }), count: fc.constant(count) }));
const outcomeArb = fc.constantFrom<Outcome>('pass', 'fail', 'inconclusive');

/** A finished campaign run as bin/campaign.ts records it. */
function finished(plan: ReturnType<typeof planCampaign>, results: { outcome: Outcome; durationMs: number; exitCode: number; sub: number }[]): CampaignRun[] {
  return plan.map((p, i) => {
    const r = results[i % results.length];
    const rs = Array.from({ length: r.sub }, (_, k) => ({ name: `${p.scenario}${k ? `-${k}` : ''}`, outcome: r.outcome, durationMs: r.durationMs + k, reasons: r.outcome === 'pass' ? [] : ['oracle.wrong-count: 999 of 1000'] }));
    return { ...p, runId: `run-${p.index}`, startedAt: p.index, wallTimeMs: r.durationMs, exitCode: r.exitCode, results: rs, ...runOutcome(rs, r.exitCode), replay: runReplayCommand(p, { flinkVersion: '2.2.1' }) };
  });
}

const runsArb = fc
  .record({
    scenarios: names,
    runs: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    results: fc.array(fc.record({ outcome: outcomeArb, durationMs: fc.integer({ min: 0, max: 600_000 }), exitCode: fc.constantFrom(0, 0, 0, 1), sub: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 8 }),
  })
  .map((c) => ({ ...c, plan: planCampaign(c.scenarios, c.runs, c.seed) }))
  .map((c) => ({ ...c, done: finished(c.plan, c.results) }));

function report(c: { scenarios: string[]; runs: number; seed: number; plan: unknown[] }, shard: { index: number; count: number }, runs: CampaignRun[]): CampaignReport {
  return {
    kind: CAMPAIGN_KIND,
    campaignId: `c-${shard.index}`,
    campaign: { scenarios: c.scenarios, runsPerScenario: c.runs, seed: c.seed, untilFail: false, flinkVersion: '2.2.1' },
    shards: [shard],
    planned: c.plan.length,
    notRun: 0,
    startedAt: 1000 + shard.index,
    finishedAt: 2000 + shard.index,
    runs,
    summary: summarise(runs),
  };
}

describe('campaign plan and shards', () => {
  prop.prop([names, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 9 })])(
    'the shards of a plan partition it: disjoint, complete, in plan order, sizes within one of each other',
    (scenarios, runs, seed, count) => {
      const plan = planCampaign(scenarios, runs, seed);
      const shards = Array.from({ length: count }, (_, i) => shardOf(plan, { index: i + 1, count }));
      const indices = shards.flat().map((p) => p.index).sort((a, b) => a - b);
      expect(indices).toEqual(plan.map((p) => p.index));
      for (const s of shards) expect(s.map((p) => p.index)).toEqual([...s.map((p) => p.index)].sort((a, b) => a - b));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    },
  );

  prop.prop([names, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })])(
    'every scenario runs --runs times, repetitions 1..N, each run with a 31-bit seed that depends only on (campaign seed, scenario, repetition)',
    (scenarios, runs, seed) => {
      const plan = planCampaign(scenarios, runs, seed);
      expect(plan).toHaveLength(scenarios.length * runs);
      for (const s of scenarios) expect(plan.filter((p) => p.scenario === s).map((p) => p.repetition)).toEqual(Array.from({ length: runs }, (_, i) => i + 1));
      for (const p of plan) {
        expect(p.seed).toBe(runSeed(seed, p.scenario, p.repetition));
        expect(p.seed).toBeGreaterThanOrEqual(0);
        expect(p.seed).toBeLessThan(2 ** 31);
      }
      // The same scenario set in another order gives every pair the same seed.
      const other = planCampaign([...scenarios].reverse(), runs, seed);
      const seedOf = (ps: typeof plan) => new Map(ps.map((p) => [`${p.scenario}#${p.repetition}`, p.seed]));
      expect(seedOf(other)).toEqual(seedOf(plan));
    },
  );

  test('repetition-major order: a campaign cut short has covered every scenario', () => {
    expect(planCampaign(['a', 'b'], 2, 1).map((p) => `${p.scenario}${p.repetition}`)).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  test('seeds differ between repetitions', () => {
    const seeds = planCampaign(['playground'], 100, 42).map((p) => p.seed);
    expect(new Set(seeds).size).toBe(100);
  });

  test('--shard parses i/n and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2']) expect(() => parseShard(bad), bad).toThrow(/i\/n/);
  });

  test('the replay command reruns the run: its file, seed and release, quoted for a shell', () => {
    expect(runReplayCommand({ scenario: 'playground', seed: 7 }, { flinkVersion: '2.2.1' })).toBe('HARNESS_SEED=7 FLINK_VERSION=2.2.1 npx vitest run --project cluster scenarios/playground.test.ts');
    expect(runReplayCommand({ scenario: 'fault-schedules', seed: 7 }, { flinkVersion: '2.2.1', test: "fault schedules [at-least-once]: it's", tier: 'nightly' })).toBe(
      "HARNESS_SEED=7 FLINK_VERSION=2.2.1 HARNESS_TIER=nightly npx vitest run --project cluster scenarios/fault-schedules.test.ts -t 'fault schedules [at-least-once]: it'\\''s'",
    );
  });
});

describe('campaign summary', () => {
  prop.prop([fc.array(fc.integer({ min: 0, max: 10 ** 7 }), { minLength: 1, maxLength: 50 })])('min <= median <= max, all three among or between the values', (values) => {
    const s = stats(values);
    expect(s.min).toBe(Math.min(...values));
    expect(s.max).toBe(Math.max(...values));
    expect(s.min).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.max);
    // At least half the values on each side of the median.
    expect(values.filter((v) => v <= s.median).length * 2).toBeGreaterThanOrEqual(values.length);
    expect(values.filter((v) => v >= s.median).length * 2).toBeGreaterThanOrEqual(values.length);
  });

  test('median of an even count is the mean of the middle two; no values: NaN', () => {
    expect(stats([4, 1, 3, 2]).median).toBe(2.5);
    expect(stats([5]).median).toBe(5);
    expect(Number.isNaN(stats([]).median)).toBe(true);
  });

  prop.prop([runsArb])('counts add up per scenario and in total; the run totals count each run once', (c) => {
    const s = summarise(c.done);
    expect(s.runs).toBe(c.done.length);
    expect(s.pass + s.fail + s.inconclusive).toBe(s.runs);
    for (const x of s.scenarios) {
      expect(x.pass + x.fail + x.inconclusive).toBe(x.runs);
      expect(x.durationMs.min).toBeLessThanOrEqual(x.durationMs.max);
      expect(x.firstFailure !== undefined).toBe(x.fail + x.inconclusive > 0);
    }
    const entries = c.done.reduce((n, r) => n + Math.max(1, r.results.length), 0);
    expect(s.scenarios.reduce((n, x) => n + x.runs, 0)).toBe(entries);
    expect(s.fail).toBe(c.done.filter((r) => r.outcome === 'fail').length);
  });

  prop.prop([runsArb])('the first failure is the lowest plan index that failed (fail before inconclusive), with that run\'s seed and replay', (c) => {
    for (const x of summarise(c.done).scenarios) {
      if (!x.firstFailure) continue;
      const entries = c.done.flatMap((r) => {
        const own = r.results.length ? r.results.filter((res) => res.name === x.name).map(() => r) : r.scenario === x.name ? [r] : [];
        return own.map((run) => ({ run, outcome: r.runReasons.length ? 'fail' : (r.results.find((res) => res.name === x.name)?.outcome ?? r.outcome) }));
      });
      const want = entries.find((e) => e.outcome === 'fail') ?? entries.find((e) => e.outcome === 'inconclusive');
      expect(x.firstFailure.index).toBe(want!.run.index);
      expect(x.firstFailure.seed).toBe(want!.run.seed);
      expect(x.firstFailure.replay).toContain(`HARNESS_SEED=${want!.run.seed}`);
    }
  });

  prop.prop([runsArb, shardArb.map((s) => s.count)])('merging the shards gives the summary of the whole campaign, whatever order the shards come in', (c, count) => {
    const shards = Array.from({ length: count }, (_, i) => report(c, { index: i + 1, count }, shardOf(c.done, { index: i + 1, count })));
    const whole = summarise(c.done);
    expect(mergeCampaigns(shards).summary).toEqual(whole);
    expect(mergeCampaigns([...shards].reverse()).summary).toEqual(whole);
    expect(mergeCampaigns(shards).runs.map((r) => r.index)).toEqual(c.done.map((r) => r.index));
    expect(mergeCampaigns(shards).shards).toHaveLength(count);
  });

  prop.prop([runsArb])('a shard given twice, or shards of another campaign, are refused', (c) => {
    const a = report(c, { index: 1, count: 1 }, c.done);
    expect(() => mergeCampaigns([a, a])).toThrow(/two shard reports/);
    const other = { ...a, runs: [], campaign: { ...a.campaign, seed: a.campaign.seed + 1 } };
    expect(() => mergeCampaigns([a, other])).toThrow(/different campaigns/);
  });

  test('a missing outcome follows the status; an outcome wins over the status', () => {
    expect(resultOutcome({ status: 'passed' })).toBe('pass');
    expect(resultOutcome({ status: 'failed' })).toBe('fail');
    expect(resultOutcome({ status: 'error' })).toBe('fail');
    expect(resultOutcome({ status: 'inconclusive' })).toBe('inconclusive');
    expect(resultOutcome({ status: 'passed', outcome: { outcome: 'inconclusive' } })).toBe('inconclusive');
  });

  test('a run without a report, or one vitest failed while its results pass, fails', () => {
    expect(runOutcome([], 1)).toEqual({ outcome: 'fail', runReasons: [expect.stringMatching(/^campaign\.no-report/)] });
    expect(runOutcome([], 0).outcome).toBe('fail');
    const pass = { name: 'p', outcome: 'pass' as const, durationMs: 1, reasons: [] };
    expect(runOutcome([pass], 1).runReasons[0]).toMatch(/^campaign\.exit-code/);
    expect(runOutcome([pass], 0)).toEqual({ outcome: 'pass', runReasons: [] });
    expect(runOutcome([pass, { ...pass, outcome: 'inconclusive' }], 0).outcome).toBe('inconclusive');
    expect(runOutcome([pass, { ...pass, outcome: 'inconclusive' }], 1)).toEqual({ outcome: 'inconclusive', runReasons: [] });
    expect(runOutcome([pass, { ...pass, outcome: 'fail' }], 1)).toEqual({ outcome: 'fail', runReasons: [] });
  });

  test('results keep the deciding reasons (not info) and a schedule\'s own replay', () => {
    const rs = campaignResults([
      { name: 'a', status: 'passed', durationMs: 1 },
      { name: 'b', status: 'error', durationMs: 2, error: '\nHarnessError: no engine\n  at x' },
      {
        name: 'sched-alo-0',
        status: 'failed',
        durationMs: 3,
        extra: { replay: 'npm run replay -- --suite at-least-once --seed 1 --path 0' },
        outcome: { outcome: 'fail', reasons: [{ code: 'oracle.missing', effect: 'fail', message: 'window 0 page a' }, { code: 'fault.kill.confirmed', effect: 'info', message: 'ok' }] },
      },
    ]);
    expect(rs.map((r) => r.outcome)).toEqual(['pass', 'fail', 'fail']);
    expect(rs[1].reasons).toEqual(['status error: HarnessError: no engine']);
    expect(rs[2].reasons).toEqual(['oracle.missing: window 0 page a']);
    expect(rs[2].replay).toMatch(/^npm run replay/);
  });

  test('the HTML page escapes what the runs said', () => {
    const plan = planCampaign(['playground'], 1, 1);
    const done = finished(plan, [{ outcome: 'fail', durationMs: 1000, exitCode: 1, sub: 1 }]);
    done[0].results[0].reasons = ['<script>alert(1)</script>'];
    const page = campaignPage(report({ scenarios: ['playground'], runs: 1, seed: 1, plan }, { index: 1, count: 1 }, done));
    expect(page).not.toContain('<script>');
    expect(page).toContain('1 fail');
  });
});
