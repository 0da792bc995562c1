import { dockerEngine } from './engine.js';
import type { NodeHandle } from './node-handle.js';

// What a running cluster takes, as `docker stats --no-stream` shows it: per
// container its memory usage less the page cache it could give back
// (inactive_file, as the docker CLI subtracts), summed.

export interface MemoryUse {
  totalBytes: number;
  nodes: { node: string; bytes: number }[];
}

/** The figure the docker CLI prints for one stats sample (cgroup v2: usage - inactive_file; v1: usage - total_inactive_file). */
export function usedBytes(stats: { memory_stats?: { usage?: number; stats?: Record<string, number> } }): number {
  const m = stats.memory_stats;
  if (!m?.usage) return 0;
  const cache = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0;
  return Math.max(0, m.usage - (cache < m.usage ? cache : 0));
}

/** One sample of every node's memory (never throws for a node that does not run: it counts 0). */
export async function clusterMemory(nodes: readonly NodeHandle[]): Promise<MemoryUse> {
  const { docker } = await dockerEngine();
  const sampled = await Promise.all(
    nodes.map(async (n) => {
      const stats = (await docker.getContainer(n.id).stats({ stream: false }).catch(() => ({}))) as Parameters<typeof usedBytes>[0];
      return { node: n.name, bytes: usedBytes(stats) };
    }),
  );
  return { totalBytes: sampled.reduce((s, n) => s + n.bytes, 0), nodes: sampled };
}
