import { loadSettings } from '../../config/settings.js';
import { DEFAULT_PROFILE, PROFILES, profileNamed, profileProblems, type Profile, type ReleaseCapabilities } from '../../containers/profiles/profile.js';

// Which profile a scenario runs under. A team's --profile wins; otherwise a
// scenario that says which profiles its body is written for draws one from
// the run's seed (the same seed draws the same profile: replayable), so the
// smoke tier covers the profile space over many runs without growing.

/**
 * What a scenario's body can run under: undefined for a profile it is written
 * for, else why not (e.g. "waits for slots, which the adaptive scheduler
 * does not do"). A scenario without one runs the playground profile only.
 */
export type ProfileFit = (p: Profile) => string | undefined;

/**
 * The profiles the smoke tier draws from: each ran here on a real cluster
 * (scenarios/profiles.test.ts). Changelog, ForSt and CLAIM stay in the nightly
 * matrix until they have.
 */
export const SMOKE_DRAW_POOL: readonly string[] = ['playground', 'rocksdb-incremental', 'rocksdb-full', 'unaligned', 'native-savepoint', 'no-claim', 'production'];

export type ProfileChoice =
  | { kind: 'run'; profile: Profile; how: 'given' | 'drawn' | 'default'; note: string }
  | { kind: 'skip'; profile: Profile; note: string };

/**
 * Pure. `given`: the profile a person asked for (HARNESS_PROFILE), if any.
 * A given profile the body cannot run under is a skip with the reason, never
 * a silent run under another profile.
 */
export function chooseProfile(options: {
  scenario: string;
  seed: number;
  release: ReleaseCapabilities;
  given?: string;
  /** The scenario's own choice (a matrix cell, a scenario about one profile): run under it, whatever --profile says. */
  forced?: string;
  fit?: ProfileFit;
  pool?: readonly string[];
}): ProfileChoice {
  const { scenario, seed, release, given, fit, forced } = options;
  if (forced) {
    const profile = profileNamed(forced);
    // A matrix cell lists every profile; one the release lacks (ForSt before 2.0) is not run, and says so.
    const lacks = profileProblems(profile, release);
    if (lacks.length > 0) return { kind: 'skip', profile, note: `not run under profile '${profile.name}' on ${release.version}: ${lacks.join('; ')}` };
    return { kind: 'run', profile, how: 'given', note: `profile '${profile.name}' (the scenario's own)` };
  }
  if (given) {
    const profile = profileNamed(given);
    const why = fit ? fit(profile) : profile.name === DEFAULT_PROFILE ? undefined : 'the scenario runs the playground profile only';
    if (why) return { kind: 'skip', profile, note: `not run under profile '${profile.name}': ${why}` };
    return { kind: 'run', profile, how: 'given', note: `profile '${profile.name}' (given)` };
  }
  const playground = profileNamed(DEFAULT_PROFILE);
  if (!fit) return { kind: 'run', profile: playground, how: 'default', note: `profile '${DEFAULT_PROFILE}' (the scenario's only one)` };
  const candidates = profilesFitting(release, fit, options.pool);
  if (candidates.length === 0) return { kind: 'run', profile: playground, how: 'default', note: `profile '${DEFAULT_PROFILE}' (no other fits)` };
  const profile = candidates[drawIndex(seed, scenario, candidates.length)]!;
  return { kind: 'run', profile, how: 'drawn', note: `profile '${profile.name}' drawn by seed ${seed} from ${candidates.map((p) => p.name).join(', ')}` };
}

/** The profiles of `pool` (default: the smoke pool) the release has and the body fits, in the pool's order. */
export function profilesFitting(release: ReleaseCapabilities, fit: ProfileFit, pool: readonly string[] = SMOKE_DRAW_POOL): Profile[] {
  return pool.map(profileNamed).filter((p) => profileProblems(p, release).length === 0 && fit(p) === undefined);
}

/**
 * The profile matrix of the nightly tier: one cell per named profile the body
 * fits (run as the scenario's own profile, `ScenarioOptions.profile`), so a
 * night covers every backend x checkpoint x restore-mode choice the body can
 * run. Elsewhere, and when a person gave --profile, one cell (undefined): the
 * scenario draws or takes the given profile as usual. The release's own gaps
 * (ForSt before 2.0) are decided at run time (chooseProfile skips the cell).
 */
export function profileCells(options: { tier: 'smoke' | 'nightly'; given: boolean; fit?: ProfileFit }): (string | undefined)[] {
  if (options.tier !== 'nightly' || options.given) return [undefined];
  const fit = options.fit ?? (() => undefined);
  return PROFILES.filter((p) => fit(p) === undefined).map((p) => p.name);
}

/** The cells of this run's tier (HARNESS_TIER, HARNESS_PROFILE), with each cell's scenario name and test-title suffix. */
export function runProfileCells(base: string, fit?: ProfileFit): { profile?: string; name: string; title: string }[] {
  const settings = loadSettings();
  return profileCells({ tier: settings.tier, given: settings.profileGiven, ...(fit ? { fit } : {}) }).map((cell) =>
    cell ? { profile: cell, name: cellName(base, cell), title: ` [profile ${cell}]` } : { name: base, title: '' },
  );
}

/** A scenario's name in a matrix cell: the base name, suffixed with the cell's profile. */
export const cellName = (base: string, cell: string | undefined): string => (cell ? `${base}-${cell}` : base);

/** Seed x scenario name -> an index, uniform enough and stable across machines (FNV-1a). */
export function drawIndex(seed: number, scenario: string, n: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${seed}:${scenario}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h % n;
}

/** Fits used by several scenarios. */
export const fits = {
  /** The body waits for tasks SCHEDULED for missing slots: the adaptive scheduler lowers the parallelism instead. */
  defaultScheduler: ((p) => (p.scheduler === 'adaptive' ? 'the body expects tasks waiting for slots, which the adaptive scheduler does not do (it runs with fewer)' : undefined)) as ProfileFit,
  /** The body rescales in place (resource requirements): only the adaptive scheduler does. */
  adaptiveScheduler: ((p) => (p.scheduler !== 'adaptive' ? 'the body rescales in place, which only the adaptive scheduler does' : undefined)) as ProfileFit,
  /** The body checks the CLI's CANONICAL savepoint line and canonical savepoint files. */
  canonicalSavepoints: ((p) => (p.savepointFormat !== 'canonical' ? 'the body checks canonical savepoints' : undefined)) as ProfileFit,
  all: (...fs: ProfileFit[]): ProfileFit => (p) => fs.map((f) => f(p)).find((w) => w !== undefined),
};

