import pRetry from 'p-retry';
import type { CheckpointEntry, ProfileReadBack } from '../../assertions/profile-applied.js';
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

/** What Flink reports for one job: cluster and job configuration, checkpoint configuration and history. */
export async function readBackProfile(restBaseUrl: string, jobId: string): Promise<ProfileReadBack> {
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
  };
}
