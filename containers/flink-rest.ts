import { openAsBlob } from 'node:fs';
import path from 'node:path';
import pRetry from 'p-retry';

// A typed client for the part of Flink's REST API the playground uses.
// Shapes follow the REST API docs; only fields we read are typed.

export type JobState =
  | 'INITIALIZING' | 'CREATED' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELLING' | 'CANCELED'
  | 'FINISHED' | 'RESTARTING' | 'SUSPENDED' | 'RECONCILING';

export interface JobSummary { id: string; status: JobState }

export interface JobVertex {
  id: string;
  name: string;
  parallelism: number;
  status: string;
  tasks: Record<string, number>;
  metrics: {
    'read-records': number; 'write-records': number; 'read-bytes': number; 'write-bytes': number;
    'read-records-complete'?: boolean; 'write-records-complete'?: boolean;
  };
}

export interface PlanNode {
  id: string;
  description: string;
  parallelism: number;
  inputs?: { num: number; id: string; ship_strategy: string; exchange: string }[];
}

export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  duration: number;
  now: number;
  timestamps: Record<string, number>;
  vertices: JobVertex[];
  'status-counts': Record<string, number>;
  plan: { jid: string; name: string; nodes: PlanNode[] };
}

export interface CheckpointStats {
  counts: { completed: number; failed: number; in_progress: number; restored: number; total: number };
  latest: {
    completed: null | { id: number; external_path: string; checkpoint_type?: string; state_size?: number; checkpointed_size?: number; latest_ack_timestamp: number; is_savepoint?: boolean };
    restored: null | { id: number; external_path: string; restore_timestamp: number; is_savepoint: boolean };
  };
}

/** One failure in `GET /jobs/<id>/exceptions` (exceptionHistory.entries[] and their concurrentExceptions[]). */
export interface ExceptionHistoryEntry {
  exceptionName: string;
  stacktrace: string;
  timestamp: number;
  taskName?: string | null;
  /** 1.20 only (deprecated): "host:port" of the TaskManager. */
  location?: string | null;
  /** "host:port" of the TaskManager (1.20 and 2.x). */
  endpoint?: string | null;
  /** The TaskManager's resource id (`taskmanager.resource-id`). */
  taskManagerId?: string | null;
  failureLabels?: Record<string, string>;
  concurrentExceptions?: ExceptionHistoryEntry[];
}

export interface TaskManagerInfo { id: string; slotsNumber: number; freeSlots: number; path: string }

export interface AsyncOperation {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  operation?: { location?: string; 'failure-cause'?: { class: string; 'stack-trace': string; 'serialized-throwable'?: string } };
}

export class FlinkRestError extends Error {
  constructor(readonly status: number, readonly url: string, readonly body: string) {
    super(`Flink REST ${url}: HTTP ${status}: ${body.slice(0, 2_000)}`);
  }
}

export class FlinkRest {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, p: string, body?: unknown | FormData): Promise<T> {
    const url = `${this.baseUrl}${p}`;
    const init: RequestInit = { method, signal: AbortSignal.timeout(60_000) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    // Connection hiccups are retried; HTTP errors are answers and are not.
    const res = await pRetry(() => fetch(url, init), { retries: 3, minTimeout: 300 });
    const text = await res.text();
    if (!res.ok) throw new FlinkRestError(res.status, `${method} ${p}`, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  overview() {
    return this.call<{ taskmanagers: number; 'slots-total': number; 'slots-available': number; 'jobs-running': number; 'flink-version': string }>('GET', '/overview');
  }
  config() {
    return this.call<{ 'flink-version': string; 'flink-revision': string }>('GET', '/config');
  }
  async jobs(): Promise<JobSummary[]> {
    return (await this.call<{ jobs: JobSummary[] }>('GET', '/jobs')).jobs;
  }
  job(id: string) {
    return this.call<JobDetails>('GET', `/jobs/${id}`);
  }
  async jobMetrics(id: string, names: string[]): Promise<Record<string, string>> {
    const list = await this.call<{ id: string; value: string }[]>('GET', `/jobs/${id}/metrics?get=${names.join(',')}`);
    return Object.fromEntries(list.map((m) => [m.id, m.value]));
  }
  async vertexMetrics(jobId: string, vertexId: string, names: string[]): Promise<{ id: string; min?: number; max?: number; avg?: number; sum?: number }[]> {
    return this.call('GET', `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics?get=${names.join(',')}`);
  }
  backpressure(jobId: string, vertexId: string) {
    return this.call<{ status: string; backpressureLevel?: string; 'backpressure-level'?: string; subtasks?: { ratio: number; backPressuredRatio?: number; busyRatio?: number }[] }>(
      'GET', `/jobs/${jobId}/vertices/${vertexId}/backpressure`);
  }
  checkpoints(id: string) {
    return this.call<CheckpointStats>('GET', `/jobs/${id}/checkpoints`);
  }
  exceptions(id: string) {
    return this.call<{ 'root-exception'?: string; exceptionHistory?: { entries: { exceptionName: string; stacktrace: string; timestamp: number }[] } }>('GET', `/jobs/${id}/exceptions`);
  }
  /**
   * The job's exception history with the fields that say where a failure
   * happened. 1.20 names the TaskManager by `location` (deprecated there) and
   * `endpoint` + `taskManagerId`; 2.x dropped `location`. Each failover is one
   * entry; failures of the same failover are its `concurrentExceptions`.
   */
  exceptionHistory(id: string, maxExceptions = 50) {
    return this.call<{ exceptionHistory?: { entries: ExceptionHistoryEntry[]; truncated?: boolean } }>('GET', `/jobs/${id}/exceptions?maxExceptions=${maxExceptions}`);
  }
  /** The result of a job that ended (FAILED: with Flink's failure cause); IN_PROGRESS while it runs. */
  executionResult(id: string) {
    return this.call<{
      status: { id: 'IN_PROGRESS' | 'COMPLETED' };
      'job-execution-result'?: { id: string; 'application-status'?: string; 'failure-cause'?: { class: string; 'stack-trace': string } };
    }>('GET', `/jobs/${id}/execution-result`);
  }
  async taskManagers(): Promise<TaskManagerInfo[]> {
    return (await this.call<{ taskmanagers: TaskManagerInfo[] }>('GET', '/taskmanagers')).taskmanagers;
  }
  /** Stop with savepoint; returns the trigger id to poll. */
  async stopWithSavepoint(id: string, options: { drain?: boolean; targetDirectory?: string } = {}): Promise<string> {
    const body: Record<string, unknown> = { drain: options.drain ?? false };
    if (options.targetDirectory) body.targetDirectory = options.targetDirectory;
    return (await this.call<{ 'request-id': string }>('POST', `/jobs/${id}/stop`, body))['request-id'];
  }
  savepointStatus(id: string, trigger: string) {
    return this.call<AsyncOperation>('GET', `/jobs/${id}/savepoints/${trigger}`);
  }
  /** GET /jobs/<id>/config: the job's execution config; `user-config` holds the program's global job parameters. */
  jobConfig(id: string) {
    return this.call<{ jid: string; name: string; 'execution-config'?: { 'job-parallelism'?: number; 'user-config'?: Record<string, string> } }>('GET', `/jobs/${id}/config`);
  }
  async cancel(id: string): Promise<void> {
    await this.call('PATCH', `/jobs/${id}?mode=cancel`);
  }
  /** POST /jars/upload (multipart, field `jarfile`); returns the jar id. */
  async uploadJar(file: string): Promise<string> {
    const form = new FormData();
    form.append('jarfile', await openAsBlob(file, { type: 'application/x-java-archive' }), path.basename(file));
    const res = await this.call<{ filename: string; status: string }>('POST', '/jars/upload', form);
    return path.basename(res.filename);
  }
  async runJar(jarId: string, options: { programArgs: string | string[]; savepointPath?: string; parallelism?: number; allowNonRestoredState?: boolean }): Promise<string> {
    // `programArgsList` (since Flink 1.7): Flink 2.x dropped the string `programArgs`
    // and silently ignores it, running the job with no arguments at all.
    const list = Array.isArray(options.programArgs) ? options.programArgs : options.programArgs.split(/\s+/).filter(Boolean);
    const body: Record<string, unknown> = { programArgsList: list };
    if (options.savepointPath) body.savepointPath = options.savepointPath;
    if (options.parallelism) body.parallelism = options.parallelism;
    if (options.allowNonRestoredState !== undefined) body.allowNonRestoredState = options.allowNonRestoredState;
    return (await this.call<{ jobid: string }>('POST', `/jars/${jarId}/run`, body)).jobid;
  }
  async webUiHtml(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/`, { signal: AbortSignal.timeout(10_000) });
    return res.text();
  }
}

/** True when the job runs and every one of its tasks is RUNNING. */
export function allTasksRunning(job: JobDetails): boolean {
  if (job.state !== 'RUNNING') return false;
  return job.vertices.every((v) => Object.entries(v.tasks).every(([state, n]) => (state === 'RUNNING' ? n === v.parallelism : n === 0)));
}

/** Task state counts summed over vertices (non-zero only), for histories and diagnostics. */
export function taskCounts(job: JobDetails): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of job.vertices) for (const [s, n] of Object.entries(v.tasks)) if (n > 0) out[s] = (out[s] ?? 0) + n;
  return out;
}
