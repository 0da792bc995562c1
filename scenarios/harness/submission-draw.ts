import { loadSettings } from '../../config/settings.js';
import type { Via } from '../../faults/job-operations.js';
import { tierVariants } from './variant-draw.js';

// The flink CLI and the REST API reach the same JobManager code once the job
// is submitted, so the smoke tier runs one path per scenario, drawn from the
// run's seed (HARNESS_SEED replays it), and the nightly tier runs both: CI
// stays within its time budget and, over many runs, covers both paths.

/** Pure. The submission paths a scenario runs in this tier: both nightly, one drawn by seed in smoke. */
export function submissionPaths(tier: 'smoke' | 'nightly', seed: number, scenario: string): Via[] {
  return tierVariants<Via>(tier, seed, `${scenario}:via`, ['cli', 'rest']);
}

/** submissionPaths under this run's settings (HARNESS_TIER, HARNESS_SEED), for a scenario file's describe.each. */
export function runSubmissionPaths(scenario: string): Via[] {
  const settings = loadSettings();
  return submissionPaths(settings.tier, settings.seed, scenario);
}
