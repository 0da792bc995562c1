// A campaign's plan: which (scenario, repetition) pairs run, with which seed,
// on which shard. Pure and deterministic, so every CI shard computes the same
// plan from the same options and takes its own disjoint part of it.

export interface PlannedRun {
  /** Position in the whole campaign's plan (0-based): the shard split and "first failure" use it. */
  index: number;
  /** Scenario file name (scenarios/<scenario>.test.ts). */
  scenario: string;
  /** 1-based repetition of that scenario. */
  repetition: number;
  /** HARNESS_SEED of this run: a function of the campaign seed, scenario and repetition only. */
  seed: number;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

/**
 * Repetition-major order (every scenario's 1st run, then every 2nd, ...), so
 * a campaign stopped early (--until-fail, a CI timeout) has covered every
 * scenario evenly, and a shard split by index gets every scenario.
 */
export function planCampaign(scenarios: readonly string[], runs: number, campaignSeed: number): PlannedRun[] {
  const plan: PlannedRun[] = [];
  for (let r = 1; r <= runs; r++) {
    for (const scenario of scenarios) {
      plan.push({ index: plan.length, scenario, repetition: r, seed: runSeed(campaignSeed, scenario, r) });
    }
  }
  return plan;
}

/** Shard i of n takes every n-th run of the plan, starting at the (i-1)-th. */
export function shardOf<T extends { index: number }>(plan: readonly T[], shard: Shard): T[] {
  return plan.filter((p) => p.index % shard.count === shard.index - 1);
}

/** "2/4" -> {index: 2, count: 4}; anything else is an error naming the form. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard must be i/n with 1 <= i <= n (e.g. 1/4), got '${text}'`);
  return { index, count };
}

/**
 * A run's seed: FNV-1a of "<campaign seed>:<scenario>:<repetition>", 31 bits
 * (fast-check seeds and HARNESS_SEED are 31-bit). Independent of the shard and
 * of the other scenarios, so a run replays from its own seed alone.
 */
export function runSeed(campaignSeed: number, scenario: string, repetition: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${campaignSeed}:${scenario}:${repetition}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** Shell-quotes one word for a copy-pasted command line. */
export const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/**
 * The command that reruns one campaign run exactly: the same scenario file,
 * seed, Flink release (and test filter, tier), alone on a fresh cluster.
 */
export function runReplayCommand(run: Pick<PlannedRun, 'scenario' | 'seed'>, o: { flinkVersion: string; test?: string; tier?: string }): string {
  const env = [`HARNESS_SEED=${run.seed}`, `FLINK_VERSION=${shellQuote(o.flinkVersion)}`, ...(o.tier ? [`HARNESS_TIER=${shellQuote(o.tier)}`] : [])];
  const t = o.test ? ` -t ${shellQuote(o.test)}` : '';
  return `${env.join(' ')} npx vitest run --project cluster scenarios/${run.scenario}.test.ts${t}`;
}
