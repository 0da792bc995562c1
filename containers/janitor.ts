import { hostname } from 'node:os';
import { dockerEngine } from './engine.js';
import { LABEL_HARNESS, LABEL_RUN } from './labels.js';

/** Label naming the process that owns a resource: a dead owner means a crashed run. */
export const LABEL_OWNER = 'dev.flink-harness.owner';
export const ownerLabel = () => `${hostname()}:${process.pid}`;

export interface SweepResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/**
 * Removes the harness's containers, networks and volumes, selected by the
 * harness's own labels only: those of one run (`runId`), or leftovers whose
 * owning process on this host is gone (`crashed`). Never touches anything
 * else on the engine, not even other testcontainers users' resources.
 */
export async function sweep(select: { runId: string } | { crashed: true } | { all: true }): Promise<SweepResult> {
  const { docker } = await dockerEngine();
  const filters = { label: [`${LABEL_HARNESS}=true`, ...('runId' in select ? [`${LABEL_RUN}=${select.runId}`] : [])] };
  const mine = (labels: Record<string, string> | undefined) => {
    if (!('crashed' in select)) return true;
    const [host, pid] = (labels?.[LABEL_OWNER] ?? '').split(':');
    return host === hostname() && pid !== undefined && !isAlive(Number(pid));
  };
  const result: SweepResult = { containers: [], networks: [], volumes: [] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    if (!mine(c.Labels)) continue;
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    result.containers.push(c.Names[0] ?? c.Id);
  }
  for (const n of await docker.listNetworks({ filters })) {
    if (!mine(n.Labels)) continue;
    await docker.getNetwork(n.Id).remove().catch(() => undefined);
    result.networks.push(n.Name);
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    if (!mine(v.Labels)) continue;
    await docker.getVolume(v.Name).remove().catch(() => undefined);
    result.volumes.push(v.Name);
  }
  return result;
}

/** What the run left on the engine (for the teardown check). */
export async function leftovers(runId: string): Promise<SweepResult> {
  const { docker } = await dockerEngine();
  const filters = { label: [`${LABEL_HARNESS}=true`, `${LABEL_RUN}=${runId}`] };
  return {
    containers: (await docker.listContainers({ all: true, filters })).map((c) => c.Names[0] ?? c.Id),
    networks: (await docker.listNetworks({ filters })).map((n) => n.Name),
    volumes: ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
