import { CHECKPOINTS_DIR } from '../cluster.js';
import { checkProfile, type Profile, type ReleaseCapabilities, type RestoreMode, type SavepointFormat } from './profile.js';

// A profile as Flink's own options: cluster configuration keys
// (FLINK_PROPERTIES / config.yaml), and the submission and stop arguments
// that have no cluster key (claim mode of a resume, savepoint format).
//
// Key names per release, read from the releases' flink-dist (2.2.1:
// CheckpointingOptions, StateRecoveryOptions, StateChangelogOptions):
// - 2.x: execution.checkpointing.incremental, execution.checkpointing.unaligned.enabled,
//   execution.state-recovery.claim-mode, state.changelog.enabled (FLIP-406 names);
// - 1.20: the names every 1.x release reads (state.backend.incremental,
//   execution.checkpointing.unaligned, execution.savepoint-restore-mode,
//   state.backend.changelog.enabled); 2.x still reads them as deprecated keys.

/** Folder of the changelog's state changes (DSTL): under the shared checkpoint folder, so every node sees it. */
export const CHANGELOG_DIR = `${CHECKPOINTS_DIR}/changelog`;

/** Every key a profile may set, per release (the read-back and `--flink-conf` use it too). */
export function profileKeys(release: ReleaseCapabilities) {
  const v2 = release.major >= 2;
  return {
    stateBackend: 'state.backend.type',
    incremental: v2 ? 'execution.checkpointing.incremental' : 'state.backend.incremental',
    unaligned: v2 ? 'execution.checkpointing.unaligned.enabled' : 'execution.checkpointing.unaligned',
    alignedTimeout: 'execution.checkpointing.aligned-checkpoint-timeout',
    interval: 'execution.checkpointing.interval',
    restoreMode: v2 ? 'execution.state-recovery.claim-mode' : 'execution.savepoint-restore-mode',
    scheduler: 'jobmanager.scheduler',
    changelog: v2 ? 'state.changelog.enabled' : 'state.backend.changelog.enabled',
    changelogStorage: v2 ? 'state.changelog.storage' : 'state.backend.changelog.storage',
    changelogPath: 'dstl.dfs.base-path',
  } as const;
}

/** Every name a key goes by in some release (current and deprecated), for reading it back. */
export const KEY_ALIASES: Record<string, readonly string[]> = {
  incremental: ['execution.checkpointing.incremental', 'state.backend.incremental'],
  unaligned: ['execution.checkpointing.unaligned.enabled', 'execution.checkpointing.unaligned'],
  restoreMode: ['execution.state-recovery.claim-mode', 'execution.savepoint-restore-mode'],
  changelog: ['state.changelog.enabled', 'state.backend.changelog.enabled'],
  stateBackend: ['state.backend.type', 'state.backend'],
};

/**
 * The cluster configuration keys of a profile on a release. Throws (one error
 * naming the valid choices) when the release does not have a choice.
 */
export function profileFlinkProperties(profile: Profile, release: ReleaseCapabilities): Record<string, string> {
  checkProfile(profile, release);
  // No execution.checkpointing.interval: the job's enableCheckpointing(1000) wins over it anyway,
  // and as a cluster key it would switch checkpoints ON for the job run without --checkpointing
  // (the negative control that must lose data).
  const k = profileKeys(release);
  const props: Record<string, string> = {
    [k.stateBackend]: profile.stateBackend,
    [k.incremental]: String(profile.incremental),
    [k.unaligned]: String(profile.checkpoints.mode === 'unaligned'),
    [k.scheduler]: profile.scheduler,
    [k.changelog]: String(profile.changelog),
    // Also a cluster default, so a resume that passes no claim mode gets the profile's.
    [k.restoreMode]: profile.restoreMode,
  };
  if (profile.checkpoints.mode === 'unaligned') props[k.alignedTimeout] = `${profile.checkpoints.alignedTimeoutMs} ms`;
  if (profile.changelog) {
    props[k.changelogStorage] = 'filesystem';
    props[k.changelogPath] = `file://${CHANGELOG_DIR}`;
  }
  return props;
}

/** `flink run -s <path>` arguments for the profile's restore mode: 2.x `-claimMode`, 1.20 `-restoreMode`. */
export function restoreModeCliArgs(mode: RestoreMode, release: ReleaseCapabilities): string[] {
  return [release.major >= 2 ? '-claimMode' : '-restoreMode', mode];
}

/** The `POST /jars/<id>/run` body field for it: 2.x `claimMode`, 1.20 `restoreMode`. */
export function restoreModeRestField(mode: RestoreMode, release: ReleaseCapabilities): Record<string, string> {
  return { [release.major >= 2 ? 'claimMode' : 'restoreMode']: mode };
}

/** `flink stop --type <canonical|native>` and REST `POST /jobs/<id>/stop` `formatType`. */
export function savepointFormatCliArgs(format: SavepointFormat): string[] {
  return ['--type', format];
}
export function savepointFormatRestField(format: SavepointFormat): { formatType: 'CANONICAL' | 'NATIVE' } {
  return { formatType: format === 'native' ? 'NATIVE' : 'CANONICAL' };
}
