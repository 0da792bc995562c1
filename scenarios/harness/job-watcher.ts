import { FlinkRest, taskCounts, type ExceptionHistoryEntry } from '../../containers/flink-rest.js';
import type { Testbed } from '../../faults/context.js';
import { BROKER_FAULTS, sampleLag, UNPAUSE_KAFKA } from '../../faults/broker.js';
import type { HistoryEvent } from '../../history/types.js';

/** The exception history is re-read at least this often while nothing else changes (it holds stack traces). */
const EXCEPTIONS_EVERY_MS = 2_000;
/** After a broker fault ends, the job's consumer lag is sampled this long (assertions/fault-evidence.ts). */
const LAG_AFTER_BROKER_FAULT_MS = 20_000;
const LAG_EVERY_MS = 1_000;
/**
 * The watcher's own REST requests give up after this: a JobManager killed
 * mid-request (HA failover) must not hold the watcher for the client's 60 s
 * while the new leader restores the job. Seen in a fresh-machine CI run: the
 * restore after a leader kill went unrecorded and its duplicates counted as
 * duplicates without a fault.
 */
const WATCH_REQUEST_TIMEOUT_MS = 3_000;

type JobException = Omit<Extract<HistoryEvent, { kind: 'job-exception' }>, 't' | 'kind'>;

/**
 * Polls the REST API while a scenario runs and writes into the history: job
 * and task state changes, completed checkpoints, the job's exception history
 * (each entry once, as Flink recorded it), every restore (`latest.restored`
 * changing), and after a broker fault the job's consumer lag. Polling errors
 * (the JobManager busy or restarting) are skipped: the next poll catches up,
 * and Flink keeps its exception history and restore, so a late poll loses
 * nothing. The harness polls once more at settle.
 */
export class JobWatcher {
  private timer?: NodeJS.Timeout;
  private lagTimer?: NodeJS.Timeout;
  private sampling = false;
  private last = new Map<string, string>();
  private lastCheckpoint = new Map<string, number>();
  private lastRestore = new Map<string, string>();
  private exceptionsSeen = new Set<string>();
  private exceptionsReadAt = new Map<string, number>();
  private polling = false;
  /** A client per JobManager address, with the short timeout; the cluster's `rest` moves to the leader after a failover. */
  private clients = new Map<string, FlinkRest>();

  constructor(private readonly tb: Testbed, private readonly intervalMs = 500) {}

  start(): this {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    // Its own timer: a JobManager slow to answer (its REST calls wait up to 60 s) must not delay the samples.
    this.lagTimer = setInterval(() => void this.sampleLagAfterBrokerFault(), LAG_EVERY_MS);
    return this;
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const rest = this.client();
      for (const summary of await rest.jobs()) {
        const prev = this.last.get(summary.id);
        if (prev?.startsWith('FINISHED') || prev?.startsWith('CANCELED') || prev?.startsWith('FAILED')) continue;
        const job = await rest.job(summary.id);
        const tasks = taskCounts(job);
        const key = `${job.state} ${JSON.stringify(tasks)}`;
        if (key !== prev) {
          this.last.set(summary.id, key);
          this.tb.history.jobState(summary.id, job.state, tasks);
        }
        // Read on every change and now and then: a failover between two polls leaves its entry.
        const readAt = this.exceptionsReadAt.get(summary.id) ?? 0;
        if (key !== prev || Date.now() - readAt >= EXCEPTIONS_EVERY_MS) await this.recordExceptions(rest, summary.id);
        if (job.state !== 'RUNNING') continue;
        const stats = await rest.checkpoints(summary.id).catch(() => undefined);
        const c = stats?.latest.completed;
        if (c && c.id !== this.lastCheckpoint.get(summary.id)) {
          this.lastCheckpoint.set(summary.id, c.id);
          this.tb.history.checkpoint(summary.id, c.id, c.is_savepoint ? 'savepoint' : 'checkpoint', {
            path: c.external_path,
            sizeBytes: c.state_size ?? c.checkpointed_size,
          });
        }
        const r = stats?.latest.restored;
        // The same checkpoint restored twice (two failovers, no checkpoint between) is two restores.
        const restoreKey = r ? `${r.id} ${r.restore_timestamp}` : undefined;
        if (r && restoreKey !== this.lastRestore.get(summary.id)) {
          this.lastRestore.set(summary.id, restoreKey!);
          this.tb.history.restore({
            jobId: summary.id,
            checkpointId: r.id,
            path: r.external_path,
            isSavepoint: r.is_savepoint,
            restoredAt: r.restore_timestamp,
          });
        }
      }
    } catch {
      // the next poll sees what this one missed
    } finally {
      this.polling = false;
    }
  }

  private client(): FlinkRest {
    const { baseUrl } = this.tb.cluster.rest;
    let c = this.clients.get(baseUrl);
    if (!c) this.clients.set(baseUrl, (c = new FlinkRest(baseUrl, { requestTimeoutMs: WATCH_REQUEST_TIMEOUT_MS, retryMinTimeoutMs: 200 })));
    return c;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.lagTimer);
    while (this.polling || this.sampling) await new Promise((r) => setTimeout(r, 50));
  }

  private async recordExceptions(rest: FlinkRest, jobId: string): Promise<void> {
    const ex = await rest.exceptionHistory(jobId).catch(() => undefined);
    if (!ex) return;
    this.exceptionsReadAt.set(jobId, Date.now());
    // Flink lists the newest first: record oldest first.
    for (const e of exceptionEntries(jobId, ex.exceptionHistory?.entries ?? []).reverse()) {
      const key = JSON.stringify([e.jobId, e.timestamp, e.exceptionName, e.taskName, e.location, e.taskManagerId]);
      if (this.exceptionsSeen.has(key)) continue;
      this.exceptionsSeen.add(key);
      this.tb.history.jobException(e);
    }
  }

  /** While a broker fault's aftermath lasts (it ended < 20 s ago), one lag sample a second. */
  private async sampleLagAfterBrokerFault(): Promise<void> {
    if (this.sampling) return;
    const events = this.tb.history.events;
    let ended: number | undefined;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      const unpaused = e.kind === 'operation' && e.name === UNPAUSE_KAFKA && e.phase !== 'invoke';
      if (!unpaused && (e.kind !== 'fault' || !BROKER_FAULTS.includes(e.name))) continue;
      // The newest broker event decides: a fault still under way (invoke), or a broker paused and not yet unpaused, gives no sample.
      if (unpaused || (e.kind === 'fault' && e.phase !== 'invoke' && e.name !== 'pause-kafka')) ended = e.t;
      break;
    }
    if (ended === undefined || Date.now() - ended > LAG_AFTER_BROKER_FAULT_MS) return;
    this.sampling = true;
    try {
      await sampleLag(this.tb);
    } finally {
      this.sampling = false;
    }
  }
}

/**
 * Flink's exception-history entries as history events, for 1.20 and 2.x:
 * the TaskManager is `endpoint` (both) or `location` (1.20 only, deprecated),
 * plus `taskManagerId`. Failures of the same failover
 * (`concurrentExceptions`) are kept too: each names where it happened.
 */
export function exceptionEntries(jobId: string, entries: readonly ExceptionHistoryEntry[]): JobException[] {
  const out: JobException[] = [];
  const add = (e: ExceptionHistoryEntry) => {
    const ev: JobException = { jobId, timestamp: e.timestamp, exceptionName: e.exceptionName };
    const first = e.stacktrace?.split('\n')[0]?.trim();
    if (first) ev.message = first.slice(0, 500);
    if (e.taskName) ev.taskName = e.taskName;
    const location = e.endpoint ?? e.location;
    if (location) ev.location = location;
    if (e.taskManagerId) ev.taskManagerId = e.taskManagerId;
    out.push(ev);
  };
  for (const e of entries) {
    add(e);
    for (const c of e.concurrentExceptions ?? []) add(c);
  }
  return out;
}
