import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FlinkRest } from './flink-rest.js';
import type { NodeHandle } from './node-handle.js';

/** What a person would look at when a wait expires: jobs, tasks, TaskManagers, last log lines of `nodes`. */
export async function diagnose(rest: FlinkRest, nodes: readonly NodeHandle[], jobId?: string): Promise<string> {
  const lines: string[] = ['--- cluster diagnostics ---'];
  try {
    const o = await rest.overview();
    lines.push(`TaskManagers registered: ${o.taskmanagers}, slots ${o['slots-available']}/${o['slots-total']} free`);
    const jobs = await rest.jobs();
    for (const j of jobs) {
      if (jobId && j.id !== jobId && j.status !== 'RUNNING') continue;
      const d = await rest.job(j.id);
      lines.push(`job ${j.id} ${d.state}`);
      for (const v of d.vertices) lines.push(`  ${v.name} p=${v.parallelism} ${v.status} ${JSON.stringify(Object.fromEntries(Object.entries(v.tasks).filter(([, n]) => n > 0)))}`);
      const ex = await rest.exceptions(j.id).catch(() => undefined);
      const root = ex?.['root-exception'] ?? ex?.exceptionHistory?.entries?.[0]?.stacktrace;
      if (root) lines.push(`  last exception: ${root.split('\n').slice(0, 3).join(' | ')}`);
    }
  } catch (e) {
    lines.push(`REST API not answering: ${(e as Error).message}`);
  }
  for (const node of nodes) {
    const running = await node.isRunning();
    lines.push(`--- ${node.name} (${running ? 'running' : 'not running'}), last lines ---`);
    lines.push((await node.logs(12).catch((e) => `(no logs: ${e})`)).trimEnd());
  }
  return lines.join('\n');
}

/** The file a node's log goes to: its role (`jobmanager.log`), or `v<version>-<role>.log` after an upgrade. */
export function logFileName(nodeName: string): string {
  const role = /(taskmanager-\d+|jobmanager(?:-\d+)?|zookeeper|kafka(?:-\d+)?|client)$/.exec(nodeName)?.[1] ?? nodeName;
  return `${nodeName.includes('-v') ? nodeName.replace(/.*-(v\d+)-/, '$1-') : role}.log`;
}

/** Every node's complete log into `dir`, one file per container. Returns the file paths. */
export async function saveLogs(nodes: readonly NodeHandle[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const node of nodes) {
    const file = path.join(dir, logFileName(node.name));
    await writeFile(file, await node.logs().catch((e) => `(no logs: ${e})`));
    files.push(file);
  }
  return files;
}
