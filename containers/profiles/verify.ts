import { existsSync } from 'node:fs';
import { profileCheck, type ProfileReadBack } from '../../assertions/profile-applied.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { HistoryEvent } from '../../history/types.js';
import type { Cluster } from '../cluster.js';
import type { Profile } from './profile.js';
import { readBackProfile } from './read-back.js';

type CheckEvent = Extract<HistoryEvent, { kind: 'check' }>;

/**
 * Reads back from Flink whether `profile` took for job `jobId` and records it
 * as a history 'check' event named 'profile-applied' (judged later by
 * assertions/profile-applied.ts profileReasons). `resumedFrom`: the snapshot
 * the harness resumed the job from, as Flink names it and on the host (claim-mode evidence).
 */
export async function verifyProfileApplied(
  tb: { cluster: Cluster; history: HistoryRecorder },
  profile: Profile,
  jobId: string,
  options: { resumedFrom?: { location: string; hostPath: string } } = {},
): Promise<{ readBack: ProfileReadBack; check: CheckEvent }> {
  const jobManagerLog = await tb.cluster.jobManager.logs().catch(() => undefined);
  const readBack = await readBackProfile(tb.cluster.rest.baseUrl, jobId, {
    ...(jobManagerLog === undefined ? {} : { jobManagerLog }),
    ...(options.resumedFrom ? { resumedFrom: { path: options.resumedFrom.location, onDisk: existsSync(options.resumedFrom.hostPath) } } : {}),
  });
  const c = profileCheck(profile, readBack);
  const check = tb.history.check(c.name, c.ok, c.detail, c.data) as CheckEvent;
  return { readBack, check };
}
