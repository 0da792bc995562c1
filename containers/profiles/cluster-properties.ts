import { profileFlinkProperties } from './flink-options.js';
import type { TeamFlinkConf } from './flink-conf.js';
import type { Profile, ReleaseCapabilities } from './profile.js';

/**
 * The `flinkProperties` a cluster of this profile gets, over the harness's
 * playground defaults (cluster.ts puts those first): the team's own
 * configuration, then the profile's keys (a conflict between the two was
 * refused by loadTeamFlinkConf), then the scenario's own keys, which it needs
 * for what it checks.
 */
export function profiledFlinkProperties(options: {
  profile: Profile;
  release: ReleaseCapabilities;
  teamConf?: TeamFlinkConf;
  scenario?: Record<string, string>;
}): Record<string, string> {
  return {
    // The read-back judges checkpoints by id (the first after a restore): keep more than Flink's 10 in the history.
    'web.checkpoints.history': '100',
    ...(options.teamConf?.properties ?? {}),
    ...profileFlinkProperties(options.profile, options.release),
    ...(options.scenario ?? {}),
  };
}
