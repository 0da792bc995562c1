import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dockerEngine } from './engine.js';
import { formatOwner, LABEL_HARNESS, LABEL_OWNER, LABEL_RUN, LABEL_STARTED, parseOwner, type Owner } from './labels.js';

export { LABEL_OWNER };

/** This process as the owner of what it creates (see LABEL_OWNER). */
export const ownerLabel = () => formatOwner({ host: hostname(), pid: process.pid, start: processStart(process.pid) });

export interface SweepResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export type SweepSelection =
  /** One run's resources (the end of a run, the watchdog after the runner died). */
  | { runId: string }
  /** Leftovers of crashed runs on this host: owner process gone (or its pid reused). */
  | { crashed: true }
  /** Anything of the harness created longer ago than this: leftovers of runners on other hosts (a CI container that died). */
  | { olderThanMs: number }
  | { all: true };

/** How the janitor sees processes; injected so the decision is testable without processes. */
export interface ProcessTable {
  host: string;
  isAlive(pid: number): boolean;
  /** The process's start time token, undefined when unknown. */
  startOf(pid: number): string | undefined;
}

/**
 * Whether a resource's owner is gone, i.e. the resource is a crashed run's
 * leftover. Only owners on this host are judged (another host's pids mean
 * nothing here): gone when the pid is dead, or alive but started at another
 * time than the owner (the pid was reused). An unparseable owner is never gone.
 */
export function ownerGone(owner: Owner | undefined, procs: ProcessTable): boolean {
  if (!owner || owner.host !== procs.host) return false;
  if (!procs.isAlive(owner.pid)) return true;
  if (owner.start === undefined) return false;
  const now = procs.startOf(owner.pid);
  return now !== undefined && now !== owner.start;
}

/** Whether `labels` are selected by `select` (run id and the harness label are already filtered by the engine). */
export function selected(select: SweepSelection, labels: Record<string, string> | undefined, procs: ProcessTable, nowMs = Date.now()): boolean {
  if ('crashed' in select) return ownerGone(parseOwner(labels?.[LABEL_OWNER]), procs);
  if ('olderThanMs' in select) {
    const started = Date.parse(labels?.[LABEL_STARTED] ?? '');
    return Number.isFinite(started) && nowMs - started > select.olderThanMs;
  }
  return true;
}

/**
 * Removes the harness's containers, networks and volumes, selected by the
 * harness's own labels only: those of one run (`runId`), leftovers whose
 * owning process on this host is gone (`crashed`), or older than a given age.
 * Never touches anything else on the engine, not even other testcontainers
 * users' resources.
 */
export async function sweep(select: SweepSelection): Promise<SweepResult> {
  const { docker } = await dockerEngine();
  const filters = { label: [`${LABEL_HARNESS}=true`, ...('runId' in select ? [`${LABEL_RUN}=${select.runId}`] : [])] };
  const mine = (labels: Record<string, string> | undefined) => selected(select, labels, localProcesses);
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

const localProcesses: ProcessTable = { host: hostname(), isAlive, startOf: processStart };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time, clock ticks since boot); undefined off Linux. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
