import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import pRetry from 'p-retry';
import { StopWaiting, waitFor } from './wait.js';

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
  /** The newest checkpoints (web.checkpoints.history of them), newest first. */
  history?: { id: number; status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'; is_savepoint: boolean; external_path?: string }[];
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

/** timeSinceLastHeartbeat is, despite its name, the epoch millisecond of the last heartbeat. */
export interface TaskManagerInfo { id: string; slotsNumber: number; freeSlots: number; path: string; timeSinceLastHeartbeat?: number }

export interface AsyncOperation {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  operation?: { location?: string; 'failure-cause'?: { class: string; 'stack-trace': string; 'serialized-throwable'?: string } };
}

export class FlinkRestError extends Error {
  constructor(readonly status: number, readonly url: string, readonly body: string) {
    super(`Flink REST ${url}: HTTP ${status}: ${body.slice(0, 2_000)}`);
  }
}

/** No answer came (connection error, reset, timeout): the JobManager may or may not have acted on the request. */
export class FlinkRestNoAnswer extends Error {
  constructor(readonly request: string, readonly reason: unknown) {
    super(`Flink REST ${request}: no answer (${describeError(reason)})`);
    this.name = 'FlinkRestNoAnswer';
  }
}

/**
 * A request that must not be sent twice got no answer, and looking up what the
 * JobManager did found no trace of it (or the lookup failed as well). It was not resent.
 */
export class FlinkRestUnresolved extends Error {
  constructor(readonly request: string, readonly noAnswer: FlinkRestNoAnswer, readonly lookup: string, readonly lookupSaw: string) {
    super(
      `Flink REST ${request}: no answer (${describeError(noAnswer.reason)}); not resent, since the JobManager may have acted on it. ` +
        `Looked up ${lookup}: ${lookupSaw}`,
    );
    this.name = 'FlinkRestUnresolved';
  }
}

export interface FlinkRestOptions {
  /** The HTTP client (a fake one in unit tests). */
  fetch?: typeof fetch;
  /** Per request: no answer within it counts as no answer. */
  requestTimeoutMs?: number;
  /** After an unanswered non-idempotent request: how long to look for what the JobManager did. */
  lookupTimeoutMs?: number;
  lookupIntervalMs?: number;
  /** First delay before a GET is resent. */
  retryMinTimeoutMs?: number;
}

export class FlinkRest {
  private readonly fetch: typeof fetch;
  private readonly requestTimeoutMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly lookupIntervalMs: number;
  private readonly retryMinTimeoutMs: number;

  constructor(readonly baseUrl: string, options: FlinkRestOptions = {}) {
    this.fetch = options.fetch ?? fetch;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    // A jar's main() runs in the JobManager before /jars/<id>/run answers: give a job that long to show up.
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 30_000;
    this.lookupIntervalMs = options.lookupIntervalMs ?? 500;
    this.retryMinTimeoutMs = options.retryMinTimeoutMs ?? 300;
  }

  /**
   * Reads (GET) are retried when no answer comes. Anything else is sent once:
   * after a lost answer the JobManager may have run the job, stopped it or
   * stored the jar, so the caller looks up what happened (see `sentOnce`).
   * HTTP errors are answers and are never retried.
   */
  private call<T>(method: string, p: string, body?: unknown | FormData): Promise<T> {
    if (method !== 'GET') return this.send<T>(method, p, body);
    return pRetry(() => this.send<T>(method, p, body), {
      retries: 3,
      minTimeout: this.retryMinTimeoutMs,
      shouldRetry: ({ error }) => error instanceof FlinkRestNoAnswer,
    });
  }

  private async send<T>(method: string, p: string, body?: unknown | FormData): Promise<T> {
    const request = `${method} ${p}`;
    // A fresh timeout per attempt (one shared signal would abort every retry at once).
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.requestTimeoutMs) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(`${this.baseUrl}${p}`, init);
      // A connection lost while the body streams in is no answer either.
      text = await res.text();
    } catch (e) {
      throw new FlinkRestNoAnswer(request, e);
    }
    if (!res.ok) throw new FlinkRestError(res.status, request, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * Sends a non-idempotent request once. Without an answer, `lookup` asks the
   * JobManager what it did (polled, bounded: it returns undefined while it finds
   * nothing and may call `seen`); what it finds is the result, else the call
   * fails with FlinkRestUnresolved naming the request and the lookup.
   */
  private async sentOnce<T>(request: string, send: () => Promise<T>, lookup: { what: string; probe: (seen: (text: string) => void) => Promise<T | undefined> }): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof FlinkRestNoAnswer)) throw e;
      let saw = 'nothing';
      try {
        return await waitFor(`${lookup.what} after ${request} got no answer`, async (seen) => lookup.probe((text) => seen((saw = text))), {
          timeoutMs: this.lookupTimeoutMs,
          intervalMs: this.lookupIntervalMs,
        });
      } catch (le) {
        if (le instanceof StopWaiting) saw = le.message;
        else if (saw === 'nothing') saw = describeError(le);
        throw new FlinkRestUnresolved(request, e, lookup.what, saw);
      }
    }
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
  /** The metric ids a vertex's subtasks expose (operator metrics as `<operator>.<group>...<name>`). */
  async vertexMetricIds(jobId: string, vertexId: string): Promise<string[]> {
    return (await this.call<{ id: string }[]>('GET', `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics`)).map((m) => m.id);
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
  /**
   * Stop with savepoint; returns the trigger id to poll. The trigger id is ours
   * (`triggerId`, Flink 1.15+), so an unanswered stop is looked up by it.
   */
  async stopWithSavepoint(id: string, options: { drain?: boolean; targetDirectory?: string; formatType?: 'CANONICAL' | 'NATIVE' } = {}): Promise<string> {
    const triggerId = randomBytes(16).toString('hex');
    const body: Record<string, unknown> = { drain: options.drain ?? false, triggerId };
    if (options.formatType) body.formatType = options.formatType;
    if (options.targetDirectory) body.targetDirectory = options.targetDirectory;
    const request = `POST /jobs/${id}/stop`;
    return this.sentOnce(request, async () => (await this.call<{ 'request-id': string }>('POST', `/jobs/${id}/stop`, body))['request-id'], {
      what: `GET /jobs/${id}/savepoints/${triggerId}`,
      probe: async (seen) => {
        try {
          const op = await this.savepointStatus(id, triggerId);
          return op.status?.id ? triggerId : undefined;
        } catch (e) {
          // 404: the JobManager holds no operation of that trigger id (yet): the stop did not reach it.
          seen(describeError(e));
          if (e instanceof FlinkRestError && e.status !== 404) throw new StopWaiting(describeError(e));
          return undefined;
        }
      },
    });
  }
  savepointStatus(id: string, trigger: string) {
    return this.call<AsyncOperation>('GET', `/jobs/${id}/savepoints/${trigger}`);
  }
  /** GET /jobs/<id>/config: the job's execution config; `user-config` holds the program's global job parameters. */
  jobConfig(id: string) {
    return this.call<{ jid: string; name: string; 'execution-config'?: { 'job-parallelism'?: number; 'user-config'?: Record<string, string> } }>('GET', `/jobs/${id}/config`);
  }
  async cancel(id: string): Promise<void> {
    await this.sentOnce(`PATCH /jobs/${id}?mode=cancel`, () => this.call('PATCH', `/jobs/${id}?mode=cancel`), {
      what: `GET /jobs/${id} state`,
      probe: async (seen) => {
        const state = (await this.job(id)).state;
        seen(`job ${id} ${state}`);
        return state === 'CANCELLING' || state === 'CANCELED' ? {} : undefined;
      },
    });
  }
  /** GET /jobs/<id>/resource-requirements: each vertex's parallelism bounds (adaptive scheduler, Flink 1.18+). */
  resourceRequirements(id: string) {
    return this.call<ResourceRequirements>('GET', `/jobs/${id}/resource-requirements`);
  }
  /**
   * PUT /jobs/<id>/resource-requirements: new bounds; the adaptive scheduler
   * rescales the running job to them, no savepoint, same job id. Idempotent:
   * sent again after no answer, it asks for the same bounds.
   */
  async setResourceRequirements(id: string, requirements: ResourceRequirements): Promise<void> {
    await pRetry(() => this.send('PUT', `/jobs/${id}/resource-requirements`, requirements), {
      retries: 3,
      minTimeout: this.retryMinTimeoutMs,
      shouldRetry: ({ error }) => error instanceof FlinkRestNoAnswer,
    });
  }
  /** GET /jobs/overview: every job the JobManager knows, with its name and start time. */
  async jobOverviews(): Promise<{ jid: string; name: string; state: JobState; 'start-time': number }[]> {
    return (await this.call<{ jobs: { jid: string; name: string; state: JobState; 'start-time': number }[] }>('GET', '/jobs/overview')).jobs;
  }
  /** GET /jars: the jars uploaded to the JobManager. */
  async jars(): Promise<{ id: string; name: string; uploaded: number }[]> {
    return (await this.call<{ files: { id: string; name: string; uploaded: number }[] }>('GET', '/jars')).files;
  }
  /** POST /jars/upload (multipart, field `jarfile`); returns the jar id. Unanswered: the new jar of that name in GET /jars. */
  async uploadJar(file: string): Promise<string> {
    const form = new FormData();
    const name = path.basename(file);
    form.append('jarfile', await openAsBlob(file, { type: 'application/x-java-archive' }), name);
    const before = new Set((await this.jars()).map((j) => j.id));
    return this.sentOnce('POST /jars/upload', async () => path.basename((await this.call<{ filename: string; status: string }>('POST', '/jars/upload', form)).filename), {
      what: `GET /jars for a new jar named ${name}`,
      probe: async (seen) => decideByNewEntries(
        (await this.jars()).filter((j) => !before.has(j.id) && j.name === name).map((j) => j.id),
        `jar ${name}`,
        seen,
      ),
    });
  }
  /**
   * POST /jars/<id>/run; returns the job id. Unanswered: the one job (of
   * `jobName`, if given) in GET /jobs/overview that was not there before the call.
   */
  async runJar(
    jarId: string,
    options: { programArgs: string | string[]; savepointPath?: string; parallelism?: number; allowNonRestoredState?: boolean; jobName?: string; restoreFields?: Record<string, string>; entryClass?: string },
  ): Promise<string> {
    // `programArgsList` (since Flink 1.7): Flink 2.x dropped the string `programArgs`
    // and silently ignores it, running the job with no arguments at all.
    const list = Array.isArray(options.programArgs) ? options.programArgs : options.programArgs.split(/\s+/).filter(Boolean);
    const body: Record<string, unknown> = { programArgsList: list };
    // restoreFields: the profile's `claimMode` (2.x) or `restoreMode` (1.20), only with a snapshot.
    if (options.savepointPath) Object.assign(body, { savepointPath: options.savepointPath, ...options.restoreFields });
    if (options.parallelism) body.parallelism = options.parallelism;
    if (options.entryClass) body.entryClass = options.entryClass;
    if (options.allowNonRestoredState !== undefined) body.allowNonRestoredState = options.allowNonRestoredState;
    const before = new Set((await this.jobOverviews()).map((j) => j.jid));
    const named = options.jobName ? ` named ${options.jobName}` : '';
    return this.sentOnce(`POST /jars/${jarId}/run`, async () => (await this.call<{ jobid: string }>('POST', `/jars/${jarId}/run`, body)).jobid, {
      what: `GET /jobs/overview for a new job${named}`,
      probe: async (seen) => decideByNewEntries(
        (await this.jobOverviews()).filter((j) => !before.has(j.jid) && (!options.jobName || j.name === options.jobName)).map((j) => j.jid),
        `job${named}`,
        seen,
      ),
    });
  }
  async webUiHtml(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/`, { signal: AbortSignal.timeout(10_000) });
    return res.text();
  }
}

/** True when the job runs and every one of its tasks is RUNNING. */
/** Per job vertex id: the parallelism the adaptive scheduler may choose within. */
export type ResourceRequirements = Record<string, { parallelism: { lowerBound: number; upperBound: number } }>;

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

/**
 * What an unanswered create (run, upload) did, from the entries that appeared
 * since before it: one is its result; none is "not yet"; several cannot be told
 * apart, and guessing could pick another client's.
 */
export function decideByNewEntries(ids: string[], what: string, seen: (text: string) => void): string | undefined {
  seen(ids.length === 0 ? `no new ${what}` : `new ${what}: ${ids.join(', ')}`);
  if (ids.length > 1) throw new StopWaiting(`${ids.length} new entries (${what}): ${ids.join(', ')}; cannot tell which one the unanswered request made`);
  return ids[0];
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${(cause as { code?: string }).code ?? cause.message}` : '';
  return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]}${inner}`;
}
