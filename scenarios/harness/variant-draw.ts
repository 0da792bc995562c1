import { loadSettings } from '../../config/settings.js';
import { drawIndex } from './profile-draw.js';

// A scenario file with several variants (the two sinks of an upgrade, the four
// negative controls, a fault's two shapes) runs them all nightly and one in the
// smoke tier, drawn from the run's seed (HARNESS_SEED replays the draw), as the
// profile, the submission path and the calibration mutant are: `npm test` stays
// within its time budget and, over many runs, covers every variant. To run one
// variant on purpose: HARNESS_TIER=nightly npx vitest run <file> -t '<its name>'.

/** Pure. The variants run in this tier: all nightly, the one `key` draws by seed in smoke. */
export function tierVariants<T>(tier: 'smoke' | 'nightly', seed: number, key: string, variants: readonly T[]): T[] {
  if (variants.length === 0) throw new Error(`tierVariants(${key}): no variants to draw from`);
  return tier === 'nightly' ? [...variants] : [variants[drawIndex(seed, key, variants.length)]!];
}

/**
 * The variants of a scenario file run under this run's settings (HARNESS_TIER,
 * HARNESS_SEED); a test runs when its variant is in the set (test.runIf).
 */
export function runVariants<T extends string>(scenario: string, variants: readonly T[]): ReadonlySet<T> {
  const settings = loadSettings();
  return new Set(tierVariants(settings.tier, settings.seed, `${scenario}:variant`, variants));
}
