// The gate's one-screen overview: what regressed, where, why, and the command
// that replays it on a fresh cluster. Pure: the comparison and the gate's
// settings in, lines out (the page and the terminal show the same).
import { runReplayCommand, shellQuote } from './campaign-plan.js';
import type { FindingKind, GateComparison } from './gate-comparison.js';

export interface GateReplaySettings {
  /** The releases as given (a release or dist:<path>): what the replay sets FLINK_VERSION to. */
  baseline: string;
  candidate: string;
  seed: number;
  tier: string;
  /** The scenario files the gate ran. */
  scenarios: readonly string[];
  /** The gate's own command line. */
  command: string;
}

export interface OverviewItem {
  what: FindingKind | 'upgrade-failed' | 'upgrade-inconclusive' | 'could-not-run';
  /** Scenario and release, or the upgrade pair. */
  where: string;
  why: string;
  /** Reruns just that, alone on a fresh cluster; undefined when there is nothing to rerun. */
  replay?: string;
}

export interface GateOverview {
  headline: string;
  items: OverviewItem[];
  /** Reruns the whole gate with the same seed. */
  replayGate: string;
}

/** What a gate reader must look at: regressions first, then what is unknown; passes and fixes stay in the tables. */
const SHOWN: readonly FindingKind[] = ['correctness-regression', 'recovery-regression', 'inconclusive', 'missing-on-candidate'];

/** The scenario file a result came from: its own name, or the longest file name it starts with (upgrade-1.20.3-to-2.2.1 -> upgrade). */
export function scenarioFileOf(result: string, files: readonly string[]): string | undefined {
  if (files.includes(result)) return result;
  return [...files].sort((a, b) => b.length - a.length).find((f) => result.startsWith(`${f}-`));
}

export function gateOverview(g: GateComparison, s: GateReplaySettings): GateOverview {
  const items: OverviewItem[] = [];
  for (const row of g.rows) {
    for (const f of row.findings) {
      if (!SHOWN.includes(f.kind)) continue;
      const file = scenarioFileOf(row.scenario, s.scenarios);
      // A regression replays on the candidate; inconclusive on the side(s) it was inconclusive on.
      const side = f.kind === 'inconclusive' && row.baseline?.status === 'inconclusive' && row.candidate?.status !== 'inconclusive' ? s.baseline : s.candidate;
      items.push({
        what: f.kind,
        where: `${row.scenario} on ${side === s.baseline ? g.baseline.version : g.candidate.version}`,
        why: f.text,
        ...(file ? { replay: runReplayCommand({ scenario: file, seed: s.seed }, { flinkVersion: side, tier: s.tier }) } : {}),
      });
    }
  }
  if (g.summary.upgrade === 'failed' || g.summary.upgrade === 'inconclusive') {
    const figures = g.upgrade?.ran ? g.upgrade.figures.filter((f) => f.status !== 'passed') : [];
    const why = figures.map((f) => `${f.scenario}: ${f.restore.kind}${f.restore.message ? `: ${f.restore.message.split('\n')[0]}` : ''}${f.error ? ` (${f.error.split('\n')[0]})` : ''}`).join('; ');
    const env = `HARNESS_SEED=${s.seed} HARNESS_TIER=${shellQuote(s.tier)} FLINK_VERSION=${shellQuote(s.candidate)} HARNESS_UPGRADE_FROM=${shellQuote(s.baseline)} HARNESS_UPGRADE_TO=${shellQuote(s.candidate)}`;
    items.push({
      what: g.summary.upgrade === 'failed' ? 'upgrade-failed' : 'upgrade-inconclusive',
      where: `upgrade ${g.baseline.version} → ${g.candidate.version}`,
      why: why || g.summary.upgrade,
      replay: `${env} npx vitest run --project cluster scenarios/upgrade.test.ts`,
    });
  }
  for (const p of g.problems) if (!items.some((i) => i.why === p)) items.push({ what: 'could-not-run', where: 'gate', why: p });
  const regressions = items.filter((i) => i.what.endsWith('regression') || i.what === 'upgrade-failed').length;
  const headline =
    regressions > 0
      ? `${regressions} regression(s) on ${g.candidate.version} against ${g.baseline.version}`
      : g.exitCode === 0
        ? `no regression: ${g.candidate.version} holds every check ${g.baseline.version} held`
        : `no regression found, but the gate is ${g.verdict}`;
  const replayGate = /--seed\b/.test(s.command) ? s.command : `${s.command} --seed ${s.seed}`;
  return { headline, items, replayGate };
}

/** The overview for a terminal. */
export function formatGateOverview(o: GateOverview): string {
  const lines = [o.headline];
  for (const i of o.items) lines.push(`  [${i.what}] ${i.where}: ${i.why}${i.replay ? `\n      replay: ${i.replay}` : ''}`);
  lines.push(`  replay the gate: ${o.replayGate}`);
  return lines.join('\n');
}
