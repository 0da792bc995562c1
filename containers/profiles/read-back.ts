import pRetry from 'p-retry';
import type { CheckpointEntry, ProfileReadBack } from '../../history/profile-read-back.js';
import { KEY_ALIASES } from './flink-options.js';

// Reads back from a running (or finished) job what the profile rule needs:
// plain GETs against Flink's REST API, nothing judged here
// (assertions/profile-applied.ts judges).

/** Every key of a profile under any of its names, plus the scheduler and the changelog storage. */
const PROFILE_CONFIG_KEYS = new Set([
  ...Object.values(KEY_ALIASES).flat(),
  'jobmanager.scheduler',
  'execution.checkpointing.unaligned.enabled',
  'execution.checkpointing.unaligned',
  'execution.checkpointing.aligned-checkpoint-timeout',
  'execution.checkpointing.interval',
  'state.changelog.storage',
  'state.backend.changelog.storage',
  'dstl.dfs.base-path',
]);

async function getJson<T>(baseUrl: string, p: string): Promise<T> {
  return pRetry(
    async () => {
      const res = await fetch(baseUrl + p, { signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}: ${body.slice(0, 500)}`);
      return JSON.parse(body) as T;
    },
    { retries: 3, minTimeout: 300 },
  );
}

/** `[{key, value}]` (both /jobmanager/config and /jobs/<id>/jobmanager/config) -> the profile's keys. */
export function profileConfigSubset(entries: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(entries.filter((e) => PROFILE_CONFIG_KEYS.has(e.key)).map((e) => [e.key, e.value]));
}

interface RawCheckpoint {
  id: number;
  status: string;
  is_savepoint: boolean;
  checkpoint_type?: string;
  savepointFormat?: string;
  checkpointed_size?: number;
  state_size?: number;
}

export function checkpointEntry(c: RawCheckpoint): CheckpointEntry {
  return {
    id: c.id,
    status: c.status,
    isSavepoint: c.is_savepoint,
    ...(c.checkpoint_type === undefined ? {} : { checkpointType: c.checkpoint_type }),
    ...(c.savepointFormat === undefined ? {} : { savepointFormat: c.savepointFormat }),
    ...(c.checkpointed_size === undefined ? {} : { checkpointedSize: c.checkpointed_size }),
    ...(c.state_size === undefined ? {} : { stateSize: c.state_size }),
  };
}

/**
 * The scheduler that started the job, by the logger of its "Running
 * initialization on master for job <name> (<id>)" line: the AdaptiveScheduler
 * logs it itself, with the default scheduler the JobMaster does (2.2.1, 2.3.0).
 */
export function schedulerInLog(log: string, jobId: string): 'adaptive' | 'default' | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes('Running initialization on master for job') || !line.includes(`(${jobId})`)) continue;
    if (/scheduler\.adaptive\.AdaptiveScheduler/.test(line)) return 'adaptive';
    if (/jobmaster\.JobMaster\b|scheduler\.DefaultScheduler/.test(line)) return 'default';
  }
  return undefined;
}

/** "Triggering checkpoint 20 (type=SavepointType{name='Suspend Savepoint', ..., formatType=NATIVE}) @ ... for job <id>." */
export function savepointFormatsInLog(log: string, jobId: string): { id: number; format: string }[] {
  const out: { id: number; format: string }[] = [];
  for (const m of log.matchAll(/Triggering checkpoint (\d+) \(type=SavepointType\{[^}]*formatType=([A-Z]+)\}\) @ \d+ for job ([0-9a-f]{32})/g)) {
    if (m[3] === jobId) out.push({ id: Number(m[1]), format: m[2]! });
  }
  return out;
}

/**
 * What Flink reports for one job: cluster and job configuration, checkpoint
 * configuration and history; with the JobManager's log, the scheduler and
 * savepoint formats it logged; with the snapshot the harness resumed the job
 * from, its checkpoint id and whether its folder still exists (the claim mode's effect).
 */
export async function readBackProfile(
  restBaseUrl: string,
  jobId: string,
  extra: { jobManagerLog?: string; resumedFrom?: { path: string; onDisk?: boolean; checkpointId?: number } } = {},
): Promise<ProfileReadBack> {
  const [cluster, job, checkpointConfig, stats] = await Promise.all([
    getJson<{ key: string; value: string }[]>(restBaseUrl, '/jobmanager/config'),
    getJson<{ key: string; value: string }[]>(restBaseUrl, `/jobs/${jobId}/jobmanager/config`),
    getJson<Record<string, unknown>>(restBaseUrl, `/jobs/${jobId}/checkpoints/config`).catch(() => undefined),
    getJson<{ history?: RawCheckpoint[]; latest?: { restored?: null | { id: number; is_savepoint: boolean; external_path: string } } }>(
      restBaseUrl,
      `/jobs/${jobId}/checkpoints`,
    ),
  ]);
  const restored = stats.latest?.restored;
  return {
    jobId,
    clusterConfig: profileConfigSubset(cluster),
    jobConfig: profileConfigSubset(job),
    ...(checkpointConfig ? { checkpointConfig } : {}),
    checkpoints: (stats.history ?? []).map(checkpointEntry).sort((a, b) => a.id - b.id),
    ...(restored ? { restored: { id: restored.id, isSavepoint: restored.is_savepoint, path: restored.external_path } } : {}),
    ...(extra.resumedFrom
      ? {
          resumedFrom: {
            ...extra.resumedFrom,
            // The job's own restore, else the id its taker recorded (a failover since then restored a checkpoint of its own).
            ...(restored && samePath(restored.external_path, extra.resumedFrom.path) ? { checkpointId: restored.id } : {}),
          },
        }
      : {}),
    ...(extra.jobManagerLog === undefined ? {} : definedScheduler(schedulerInLog(extra.jobManagerLog, jobId))),
    ...(extra.jobManagerLog === undefined ? {} : { savepointFormatsInLog: savepointFormatsInLog(extra.jobManagerLog, jobId) }),
  };
}

/** file:/x, file:///x and /x name the same folder. */
export const samePath = (a: string, b: string): boolean => normalize(a) === normalize(b);
const normalize = (p: string) => p.replace(/^file:(\/\/)?/, '').replace(/\/+$/, '');
const definedScheduler = (s: 'adaptive' | 'default' | undefined) => (s ? { schedulerInLog: s } : {});
