// What a schedule's checks read off the real cluster: which TaskManagers the
// ResourceManager has registered, where the job's tasks run, and how often the
// job restarted. Read-only; every call is one REST request or one engine inspect.
import type { Cluster } from '../../containers/cluster.js';
import { dockerEngine } from '../../containers/engine.js';
import type { NodeHandle } from '../../containers/node-handle.js';

/** Flink's TaskManager id starts with the address it runs at: "172.17.0.4:43741-31536a". */
export async function nodeAddresses(node: NodeHandle): Promise<string[]> {
  const { docker } = await dockerEngine();
  const info = await docker.getContainer(node.id).inspect();
  return Object.values(info.NetworkSettings.Networks ?? {})
    .map((n) => n.IPAddress)
    .filter((ip): ip is string => Boolean(ip));
}

export const isTaskManagerOf = (taskManagerId: string, addresses: readonly string[]): boolean =>
  addresses.some((ip) => taskManagerId.startsWith(`${ip}:`));

/** TaskManager ids hosting at least one subtask of the job (GET /jobs/<id>/vertices/<vid>). */
export async function taskManagersHostingJob(cluster: Cluster, jobId: string): Promise<Set<string>> {
  const job = await cluster.rest.job(jobId);
  const ids = new Set<string>();
  for (const v of job.vertices) {
    const res = await fetch(`${cluster.rest.baseUrl}/jobs/${jobId}/vertices/${v.id}`, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET /jobs/${jobId}/vertices/${v.id}: HTTP ${res.status}`);
    const body = (await res.json()) as { subtasks: { 'taskmanager-id'?: string; status: string }[] };
    for (const s of body.subtasks) if (s['taskmanager-id'] && s.status !== 'CREATED' && s.status !== 'SCHEDULED') ids.add(s['taskmanager-id']);
  }
  return ids;
}

/**
 * Sum of the current execution attempt numbers of all the job's subtasks.
 * Any failover (region or global) creates new attempts, so it only grows;
 * unlike the numRestarts metric, it is not cached by the REST API's metric fetcher.
 */
export async function attemptTotal(cluster: Cluster, jobId: string): Promise<number> {
  const job = await cluster.rest.job(jobId);
  let total = 0;
  for (const v of job.vertices) {
    const res = await fetch(`${cluster.rest.baseUrl}/jobs/${jobId}/vertices/${v.id}`, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET /jobs/${jobId}/vertices/${v.id}: HTTP ${res.status}`);
    const body = (await res.json()) as { subtasks: { attempt: number }[] };
    for (const s of body.subtasks) total += s.attempt;
  }
  return total;
}
