import type { Settings } from '../../config/settings.js';
import { loadTeamFlinkConf, type TeamFlinkConf } from './flink-conf.js';
import { checkProfile, profileNamed, releaseCapabilities, type Profile, type ReleaseCapabilities } from './profile.js';

export interface ResolvedProfile {
  profile: Profile;
  release: ReleaseCapabilities;
  teamConf?: TeamFlinkConf;
}

/**
 * The run's profile and team configuration for a Flink release, from the
 * settings (HARNESS_PROFILE, HARNESS_FLINK_CONF). Throws one HarnessError for
 * an unknown profile, a choice the release lacks, or a refused key.
 */
export function resolveProfile(settings: Pick<Settings, 'profile' | 'flinkConf' | 'flinkVersion'>, flinkVersion = settings.flinkVersion, profileName = settings.profile): ResolvedProfile {
  const release = releaseCapabilities(flinkVersion);
  const profile = profileNamed(profileName);
  checkProfile(profile, release);
  const teamConf = settings.flinkConf ? loadTeamFlinkConf(settings.flinkConf, profile, release) : undefined;
  return { profile, release, ...(teamConf ? { teamConf } : {}) };
}
