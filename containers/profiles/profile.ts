import { HarnessError } from '../../config/harness-error.js';

// A profile: the production choices a run is made under (state backend,
// checkpoint mode, restore mode, scheduler, ...), named and documented, and
// applied only through Flink's own options (see flink-options.ts). Which
// choices a release has is decided here, once, so an impossible profile is one
// clear error before any container starts.

export type StateBackend = 'hashmap' | 'rocksdb' | 'forst';
/** Who owns the snapshot a job resumes from (Flink's RecoveryClaimMode / RestoreMode). */
export type RestoreMode = 'CLAIM' | 'NO_CLAIM' | 'LEGACY';
/** `flink stop --type`, REST `formatType`. */
export type SavepointFormat = 'canonical' | 'native';
/** `jobmanager.scheduler`: Flink's default (pipelined region) scheduler or the adaptive one. */
export type Scheduler = 'default' | 'adaptive';

export type CheckpointAlignment =
  | { mode: 'aligned' }
  /** Unaligned; a checkpoint starts aligned and switches to unaligned after `alignedTimeoutMs` (0: unaligned from the start). */
  | { mode: 'unaligned'; alignedTimeoutMs: number };

export interface Profile {
  name: string;
  /** One line for reports and `--help`. */
  description: string;
  stateBackend: StateBackend;
  /** Incremental checkpoints (RocksDB and ForSt; hashmap always takes full ones). */
  incremental: boolean;
  checkpoints: CheckpointAlignment;
  /**
   * The checkpoint interval. The Click Event Count job calls
   * enableCheckpointing(1000) itself, which wins over the cluster's key: any
   * other value cannot take until the job reads it from the configuration.
   */
  checkpointIntervalMs: number;
  /** How a job resumed from a savepoint or retained checkpoint restores it. */
  restoreMode: RestoreMode;
  savepointFormat: SavepointFormat;
  scheduler: Scheduler;
  /** The changelog state backend (FLIP-158) around the state backend. */
  changelog: boolean;
}

/** What the job itself sets, so a profile cannot change it through the cluster configuration. */
export const JOB_CHECKPOINT_INTERVAL_MS = 1_000;

const base: Omit<Profile, 'name' | 'description'> = {
  stateBackend: 'hashmap',
  incremental: false,
  checkpoints: { mode: 'aligned' },
  checkpointIntervalMs: JOB_CHECKPOINT_INTERVAL_MS,
  restoreMode: 'NO_CLAIM',
  savepointFormat: 'canonical',
  scheduler: 'default',
  changelog: false,
};

/** The named profiles, in the order `--profile` lists them. */
export const PROFILES: readonly Profile[] = [
  { ...base, name: 'playground', description: "today's playground: hashmap backend, aligned checkpoints every 1 s, default scheduler, Flink's default NO_CLAIM" },
  { ...base, name: 'rocksdb-incremental', description: 'RocksDB with incremental checkpoints, aligned, every 1 s', stateBackend: 'rocksdb', incremental: true },
  { ...base, name: 'rocksdb-full', description: 'RocksDB with full checkpoints (the other half of the incremental matrix)', stateBackend: 'rocksdb' },
  { ...base, name: 'unaligned', description: 'unaligned checkpoints from the start (aligned timeout 0), hashmap backend', checkpoints: { mode: 'unaligned', alignedTimeoutMs: 0 } },
  { ...base, name: 'adaptive', description: 'the adaptive scheduler (jobmanager.scheduler: adaptive), hashmap backend', scheduler: 'adaptive' },
  {
    ...base,
    name: 'no-claim',
    description: 'RocksDB incremental, native savepoints, resumed with NO_CLAIM: the first checkpoint after a restore must be a full one',
    stateBackend: 'rocksdb',
    incremental: true,
    restoreMode: 'NO_CLAIM',
    savepointFormat: 'native',
  },
  {
    ...base,
    name: 'claim',
    description: 'RocksDB incremental, native savepoints, resumed with CLAIM: Flink owns the restored snapshot (FLINK-39964 shape)',
    stateBackend: 'rocksdb',
    incremental: true,
    restoreMode: 'CLAIM',
    savepointFormat: 'native',
  },
  { ...base, name: 'native-savepoint', description: 'RocksDB incremental, savepoints in the native format', stateBackend: 'rocksdb', incremental: true, savepointFormat: 'native' },
  { ...base, name: 'changelog', description: 'the changelog state backend over RocksDB incremental (CLAIM: changelog cannot resume NO_CLAIM)', stateBackend: 'rocksdb', incremental: true, changelog: true, restoreMode: 'CLAIM' },
  // ForSt takes native savepoints only: "Configured state backend (ForStStateBackend...) does not support CANONICAL savepoints" (2.2.1, seen).
  { ...base, name: 'forst', description: 'the ForSt state backend (2.x only), incremental, native savepoints', stateBackend: 'forst', incremental: true, savepointFormat: 'native' },
  {
    ...base,
    name: 'production',
    // Native savepoints: fast on large RocksDB state, and what makes NO_CLAIM observable (a canonical restore rebuilds RocksDB, so its first checkpoint is full anyway).
    description: 'RocksDB incremental + unaligned (aligned timeout 0) + adaptive scheduler + NO_CLAIM, native savepoints',
    savepointFormat: 'native',
    stateBackend: 'rocksdb',
    incremental: true,
    checkpoints: { mode: 'unaligned', alignedTimeoutMs: 0 },
    scheduler: 'adaptive',
    restoreMode: 'NO_CLAIM',
  },
];

export const DEFAULT_PROFILE = 'playground';

/** What a Flink release offers; decided from its version number. */
export interface ReleaseCapabilities {
  version: string;
  major: number;
  minor: number;
  stateBackends: readonly StateBackend[];
  restoreModes: readonly RestoreMode[];
  changelog: boolean;
}

/** 1.20.3 -> {1, 20}; releases before 1.20 are not supported by the harness. */
export function releaseCapabilities(version: string): ReleaseCapabilities {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) throw new HarnessError(`'${version}' is not a Flink release.`, 'Give a release such as 2.2.1 or 1.20.3.');
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return {
    version,
    major,
    minor,
    // ForSt (disaggregated state, FLIP-427) ships in flink-dist from 2.0.
    stateBackends: major >= 2 ? ['hashmap', 'rocksdb', 'forst'] : ['hashmap', 'rocksdb'],
    // LEGACY: deprecated since 1.20 (FLIP-416), still an enum value in 2.2.1 and 2.3.0
    // (RecoveryClaimMode in their flink-dist); removal is planned (FLINK-34189).
    restoreModes: ['CLAIM', 'NO_CLAIM', 'LEGACY'],
    // The changelog state backend and its filesystem storage are in flink-dist of 1.20 and 2.x.
    changelog: true,
  };
}

/** The profile named `name`; an unknown name is one error listing the valid ones. */
export function profileNamed(name: string): Profile {
  const p = PROFILES.find((x) => x.name === name.trim());
  if (!p) {
    throw new HarnessError(
      `Unknown profile '${name}'.`,
      `Choose one of: ${PROFILES.map((x) => x.name).join(', ')} (--profile <name> or HARNESS_PROFILE).`,
    );
  }
  return p;
}

/**
 * Every choice of the profile the release does not have, and every
 * combination Flink rejects, as one error naming the valid choices.
 */
export function checkProfile(profile: Profile, release: ReleaseCapabilities): void {
  const problems = profileProblems(profile, release);
  if (problems.length > 0) {
    throw new HarnessError(`Profile '${profile.name}' cannot run on Flink ${release.version}: ${problems.join('; ')}.`, 'Pick another profile or another Flink release.');
  }
}

/** Pure: the reasons a profile cannot run on a release (empty: it can). */
export function profileProblems(profile: Profile, release: ReleaseCapabilities): string[] {
  const problems: string[] = [];
  if (!release.stateBackends.includes(profile.stateBackend)) {
    problems.push(`state backend '${profile.stateBackend}' is not in Flink ${release.version} (valid: ${release.stateBackends.join(', ')})`);
  }
  if (!release.restoreModes.includes(profile.restoreMode)) {
    problems.push(`restore mode ${profile.restoreMode} is not in Flink ${release.version} (valid: ${release.restoreModes.join(', ')})`);
  }
  if (profile.changelog && !release.changelog) problems.push(`Flink ${release.version} has no changelog state backend`);
  if (profile.incremental && profile.stateBackend === 'hashmap') {
    problems.push("incremental checkpoints need the 'rocksdb' or 'forst' backend (hashmap always takes full checkpoints)");
  }
  // FLINK-40476: a changelog job resumed NO_CLAIM fails its first checkpoint ("does not support enforcing a full snapshot").
  if (profile.changelog && profile.restoreMode === 'NO_CLAIM') problems.push('the changelog state backend cannot resume in NO_CLAIM mode (use CLAIM)');
  // Seen on 2.2.1: the source declines the savepoint, "ForStStateBackend ... does not support CANONICAL savepoints".
  if (profile.stateBackend === 'forst' && profile.savepointFormat === 'canonical') problems.push('the forst backend takes native savepoints only (savepointFormat: native)');
  if (profile.checkpoints.mode === 'unaligned' && !(profile.checkpoints.alignedTimeoutMs >= 0)) problems.push('the aligned checkpoint timeout must be 0 ms or more');
  if (!(profile.checkpointIntervalMs >= 10)) problems.push('the checkpoint interval must be at least 10 ms (Flink\'s minimum)');
  return problems;
}

/** One line per setting, for reports: "state backend rocksdb, incremental, unaligned (aligned timeout 0 ms), ...". */
export function describeProfile(p: Profile): string {
  const cp = p.checkpoints.mode === 'aligned' ? 'aligned' : `unaligned (aligned timeout ${p.checkpoints.alignedTimeoutMs} ms)`;
  return [
    `state backend ${p.stateBackend}${p.changelog ? ' + changelog' : ''}`,
    p.incremental ? 'incremental' : 'full checkpoints',
    `${cp} every ${p.checkpointIntervalMs} ms`,
    `restore ${p.restoreMode}`,
    `${p.savepointFormat} savepoints`,
    `${p.scheduler} scheduler`,
  ].join(', ');
}
