import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Cluster } from '../../containers/cluster.js';
import { taskCounts, type JobDetails, type JobState } from '../../containers/flink-rest.js';
import type { OutputTap } from '../../containers/output-tap.js';
import { waitFor } from '../../containers/wait.js';
import { decodeWindowCount } from '../../history/decode-output.js';
import { WINDOW_MS } from '../../history/types.js';

// Checks around a job's life across stop-with-savepoint, resume and rescale:
// what a person reads off the REST API, the savepoint folder and `output`.

/** Waits (bounded) until the job reaches `state`; the timeout says the state and tasks last seen. */
export function waitForJobState(cluster: Cluster, jobId: string, state: JobState, timeoutMs = 60_000): Promise<JobDetails> {
  return waitFor(
    `job ${jobId} ${state}`,
    async (seen) => {
      const job = await cluster.rest.job(jobId);
      seen(`job ${job.state}, tasks ${JSON.stringify(taskCounts(job))}`);
      return job.state === state ? job : undefined;
    },
    { timeoutMs, diagnose: () => cluster.diagnose(jobId) },
  );
}

/** Files and bytes under a folder on the host (a savepoint: `_metadata` plus state files). */
export async function folderContents(dir: string): Promise<{ files: string[]; bytes: number }> {
  const files: string[] = [];
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.push(path.relative(dir, file));
    bytes += (await stat(file)).size;
  }
  return { files: files.sort(), bytes };
}

/** What the job says it restored from (GET /jobs/<id>/checkpoints, latest.restored). */
export async function restoredFrom(cluster: Cluster, jobId: string): Promise<{ isSavepoint: boolean; path: string } | undefined> {
  const restored = (await cluster.rest.checkpoints(jobId)).latest.restored;
  return restored ? { isSavepoint: restored.is_savepoint, path: restored.external_path } : undefined;
}

/** Distinct window starts present in what the tap read so far (well-formed records only). */
export function windowStartsRead(tap: OutputTap): number[] {
  const starts = new Set<number>();
  for (const r of tap.records) {
    const d = decodeWindowCount(r, WINDOW_MS);
    if (d.ok) starts.add(d.value.windowStart);
  }
  return [...starts].sort((a, b) => a - b);
}

/** Reads `output` up to its current end offsets (what Flink wrote so far). */
export async function readOutputToEnd(cluster: Cluster, tap: OutputTap, timeoutMs = 30_000): Promise<void> {
  await tap.drain(await cluster.kafka.endOffsets('output'), { timeoutMs, diagnose: () => cluster.diagnose() });
}

/** Parallelism of every vertex, by name. */
export function vertexParallelism(job: JobDetails): Record<string, number> {
  return Object.fromEntries(job.vertices.map((v) => [v.name, v.parallelism]));
}

/**
 * The switches the running job actually received (GET /jobs/<id>/config,
 * `user-config` = the program's global job parameters). A submission path that
 * drops the program arguments would otherwise run a job without checkpoints
 * and with processing-time windows.
 */
export async function jobSwitches(cluster: Cluster, jobId: string): Promise<Record<string, string>> {
  return (await cluster.rest.jobConfig(jobId))['execution-config']?.['user-config'] ?? {};
}
