// The fence before the final read (Jepsen, flink-stability): once input is
// complete and output has settled, read the window operator's late drops,
// stop every running job so it writes nothing more, then read `output` to its
// end. For the exactly-once sink also: the last stable offset must reach the
// high watermark, no transaction of the job's transactional-id prefix may be
// left open, and the output's record batches must show it was written in the
// job's transactions (an at-least-once sink claiming exactly-once writes none,
// and without a fault nothing else shows it). Each step leaves a 'check' (or 'metric') event in the history;
// assertions/fence-evidence.ts judges them (fenceReasons). Nothing here
// judges: a step that cannot be done is recorded as such, never thrown past.
import { TRANSACTIONAL_ID_PREFIX } from '../../config/job-spec.js';
import type { KafkaBroker } from '../../containers/kafka-broker.js';
import { savepointFormatRestField } from '../../containers/profiles/flink-options.js';
import type { PartitionTransactionLog, TransactionDescription, TransactionListing } from '../../history/transactions.js';
import type { FlinkRest, JobState } from '../../containers/flink-rest.js';
import type { OutputTap } from '../../containers/output-tap.js';
import { StopWaiting, waitFor } from '../../containers/wait.js';
import type { Testbed } from '../../faults/context.js';
import type { SinkSemantics } from '../../history/types.js';
import {
  EOS_LSO_CHECK,
  EOS_OPEN_TRANSACTIONS_CHECK,
  EOS_TRANSACTIONAL_OUTPUT_CHECK,
  FENCE_CHECK,
  FENCE_DRAIN_CHECK,
  LATE_DROPS_CHECK,
  LATE_DROPS_METRIC,
  transactionalOutputFindings,
  type FencedJob,
  type PartitionEnd,
  type TransactionalOutputData,
} from '../../assertions/fence-evidence.js';

/** The Click Event Count job's names (job/ ClickEventCount.java). */
export const COUNTER_VERTEX = 'ClickEvent Counter';

export interface FenceOptions {
  /** The run's sink: 'exactly-once' adds the last-stable-offset and open-transaction checks. */
  sink: SinkSemantics;
  /** The scenario's reader of `output` (s.tap): drained to the end. */
  tap: OutputTap;
  topic?: string;
  transactionalIdPrefix?: string;
  /** The window operator's vertex name, whose numLateRecordsDropped is read. */
  counterVertex?: string;
  /** Bound on one stop with savepoint (savepoint written, job FINISHED); then the job is cancelled. */
  stopTimeoutMs?: number;
  cancelTimeoutMs?: number;
  /** How long the last stable offset may take to reach the high watermark once the jobs ended. */
  lsoDeadlineMs?: number;
  drainTimeoutMs?: number;
}

export interface FenceResult {
  jobs: FencedJob[];
  lateRecordsDropped: { jobId: string; value: number }[];
  /** Per partition, read after the jobs ended. */
  ends: PartitionEnd[];
  drained: boolean;
  /** Exactly-once only: open transactions of the prefix (undefined when not checked or the check failed). */
  openTransactions?: TransactionDescription[];
  /** Exactly-once only: how each partition of the output was written (undefined when not read or the read failed). */
  transactionLog?: PartitionTransactionLog[];
  /** Wall time of each step, ms (transactionsMs: listing the prefix's transactions and reading the output's batches). */
  timings: { metricsMs: number; stopMs: number; lsoMs: number; drainMs: number; transactionsMs: number; totalMs: number };
}

const TERMINAL: ReadonlySet<JobState> = new Set(['FINISHED', 'CANCELED', 'FAILED']);

/**
 * Fences the cluster and reads `output` to its end. Call it once, after the
 * last input was acknowledged and settle() returned, before the history is
 * frozen (judge). It never throws for what it finds: every outcome is a
 * history event for fenceReasons.
 */
export async function fenceAndDrain(tb: Testbed, options: FenceOptions): Promise<FenceResult> {
  const { cluster, history } = tb;
  const topic = options.topic ?? 'output';
  const started = Date.now();
  const timings = { metricsMs: 0, stopMs: 0, lsoMs: 0, drainMs: 0, transactionsMs: 0, totalMs: 0 };
  let lap = started;
  const mark = (k: Exclude<keyof typeof timings, 'totalMs'>) => {
    timings[k] = Date.now() - lap;
    lap = Date.now();
  };

  // 1. Which jobs may still write.
  let live: { id: string; status: JobState }[] = [];
  let listError: string | undefined;
  try {
    live = (await cluster.rest.jobs()).filter((j) => !TERMINAL.has(j.status));
  } catch (e) {
    listError = firstLine(e);
  }

  // 2. Late drops, while the jobs still run (a finished job's metrics are gone).
  const lateRecordsDropped: FenceResult['lateRecordsDropped'] = [];
  for (const j of live.filter((j) => j.status === 'RUNNING')) {
    const vertex = options.counterVertex ?? COUNTER_VERTEX;
    try {
      const m = await lateDrops(cluster.rest, j.id, vertex);
      history.metric(j.id, vertex, LATE_DROPS_METRIC, m.value);
      history.note(`fence: ${m.metricId} of '${vertex}' summed over its subtasks = ${m.value} (job ${j.id})`);
      lateRecordsDropped.push({ jobId: j.id, value: m.value });
    } catch (e) {
      history.check(LATE_DROPS_CHECK, false, `numLateRecordsDropped of '${vertex}' of job ${j.id} could not be read: ${firstLine(e)}`, {
        jobId: j.id,
        vertex,
        unavailable: true,
        diagnostics: String((e as Error)?.message ?? e).slice(0, 4_000),
      });
    }
  }
  mark('metricsMs');

  // 3. Stop every job that may still write.
  const jobs: FencedJob[] = [];
  for (const j of live) jobs.push(await stopJob(tb, j.id, j.status, options));
  const stillLive = listError ? [] : await cluster.rest.jobs().then(
    (all) => all.filter((j) => !TERMINAL.has(j.status)).map((j) => `${j.id} ${j.status}`),
    (e) => [`(could not list jobs: ${firstLine(e)})`],
  );
  const fenced = !listError && jobs.every((j) => TERMINAL.has(j.finalState as JobState)) && stillLive.length === 0;
  history.check(
    FENCE_CHECK,
    fenced,
    listError
      ? `could not list the jobs: ${listError}`
      : jobs.length === 0
        ? 'no job was running'
        : `${jobs.map(describeFenced).join('; ')}${stillLive.length ? `; still not ended: ${stillLive.join(', ')}` : ''}`,
    { jobs, ...(stillLive.length ? { stillLive } : {}) },
  );
  mark('stopMs');

  // 4. Exactly-once: the last stable offset must reach the high watermark.
  const kafka = cluster.kafka;
  let ends: PartitionEnd[] = [];
  if (options.sink === 'exactly-once') {
    const deadline = options.lsoDeadlineMs ?? 30_000;
    let last: PartitionEnd[] = [];
    try {
      last = await waitFor(
        `the last stable offset of '${topic}' to reach its high watermark`,
        async (seen) => {
          last = await partitionEnds(kafka, topic);
          seen(last.map((p) => `p${p.partition} lso ${p.lso} / hwm ${p.hwm}`).join(', '));
          return last.every((p) => BigInt(p.lso) >= BigInt(p.hwm)) ? last : undefined;
        },
        { timeoutMs: deadline, intervalMs: 500 },
      );
      history.check(EOS_LSO_CHECK, true, `last stable offset = high watermark on every partition of '${topic}'`, { partitions: last, deadlineMs: deadline });
    } catch (e) {
      const unavailable = last.length === 0;
      history.check(
        EOS_LSO_CHECK,
        false,
        unavailable
          ? `could not read the offsets of '${topic}': ${firstLine(e)}`
          : `after ${deadline} ms the last stable offset is below the high watermark: ${last.filter((p) => BigInt(p.lso) < BigInt(p.hwm)).map((p) => `p${p.partition} ${p.lso} < ${p.hwm}`).join(', ')}`,
        { partitions: last, deadlineMs: deadline, ...(unavailable ? { unavailable: true } : {}) },
      );
    }
    ends = last;
    mark('lsoMs');
  }

  // 5. Read every partition to its end: the high watermark, or for a read_committed
  // reader the last stable offset (it cannot read past it).
  let drained = false;
  try {
    // Read afresh: the wait above may have ended on an error.
    ends = await partitionEnds(kafka, topic);
    const target = new Map(ends.map((p) => [p.partition, BigInt(options.tap.isolation === 'read_committed' ? p.lso : p.hwm)]));
    await options.tap.drain(target, {
      timeoutMs: options.drainTimeoutMs ?? 60_000,
      diagnose: async () => `${options.tap.describe(target)}\n${await cluster.diagnose()}`,
    });
    const read = options.tap.positions();
    const partitions = ends.map((p) => ({ ...p, read: String(read.get(p.partition) ?? 0n) }));
    // An at-least-once sink writes no transactions: a read_committed reader stopped short of the high watermark has not read everything.
    const short = options.sink === 'at-least-once' ? ends.filter((p) => BigInt(p.lso) < BigInt(p.hwm)) : [];
    drained = short.length === 0;
    history.check(
      FENCE_DRAIN_CHECK,
      drained,
      drained
        ? `read '${topic}' to its end (${options.tap.isolation}): ${partitions.map((p) => `p${p.partition} ${p.read}/${p.hwm}`).join(', ')}, ${options.tap.records.length} records`
        : `records past the last stable offset were never readable: ${short.map((p) => `p${p.partition} ${p.lso} < ${p.hwm}`).join(', ')}`,
      { isolation: options.tap.isolation, partitions, records: options.tap.records.length },
    );
  } catch (e) {
    history.check(FENCE_DRAIN_CHECK, false, `did not read '${topic}' to its end: ${firstLine(e)}`, {
      isolation: options.tap.isolation,
      partitions: ends,
      reader: options.tap.describe(new Map(ends.map((p) => [p.partition, BigInt(p.hwm)]))),
    });
  }
  mark('drainMs');

  // 6. Exactly-once: no transaction of the job's prefix left open, and the output written in its transactions.
  let openTransactions: TransactionDescription[] | undefined;
  let transactionLog: PartitionTransactionLog[] | undefined;
  if (options.sink === 'exactly-once') {
    const prefix = options.transactionalIdPrefix ?? TRANSACTIONAL_ID_PREFIX;
    // One listing for both checks (each run of the tool starts a JVM).
    let listing: TransactionListing[] | undefined;
    let listError = '';
    try {
      listing = await kafka.transactions();
    } catch (e) {
      listError = firstLine(e);
    }
    try {
      if (!listing) throw new Error(listError);
      openTransactions = await kafka.openTransactions(prefix, listing);
      history.check(
        EOS_OPEN_TRANSACTIONS_CHECK,
        openTransactions.length === 0,
        openTransactions.length === 0
          ? `no open transaction of '${prefix}*' (kafka-transactions.sh)`
          : `${openTransactions.length} open transaction(s) of '${prefix}*': ${openTransactions.map((t) => `${t.transactionalId} ${t.state} since ${t.startTimeMs === undefined ? '?' : new Date(t.startTimeMs).toISOString()}`).join(', ')}`,
        { prefix, open: openTransactions.map(openTransactionData) },
      );
    } catch (e) {
      history.check(EOS_OPEN_TRANSACTIONS_CHECK, false, `could not list the transactions of '${prefix}*': ${firstLine(e)}`, { prefix, unavailable: true });
    }
    try {
      if (!listing) throw new Error(`could not list the transactions of '${prefix}*': ${listError}`);
      transactionLog = await kafka.transactionLog(topic);
      const data: TransactionalOutputData = {
        topic,
        prefix,
        transactionalIds: listing.filter((t) => t.transactionalId.startsWith(prefix)).map(({ transactionalId, producerId, state }) => ({ transactionalId, producerId, state })),
        partitions: transactionLog,
      };
      const findings = transactionalOutputFindings(data);
      history.check(
        EOS_TRANSACTIONAL_OUTPUT_CHECK,
        findings.length === 0,
        findings.length === 0
          ? `'${topic}' as written: ${transactionLog.map((p) => `p${p.partition} ${p.dataRecords} records, ${p.outsideTransactions} outside transactions, ${p.commitMarkers} commit / ${p.abortMarkers} abort markers`).join('; ')}; ${data.transactionalIds.length} transactional id(s) of '${prefix}*'`
          : findings.map((f) => f.text).join('; '),
        { ...data },
      );
    } catch (e) {
      history.check(EOS_TRANSACTIONAL_OUTPUT_CHECK, false, `could not read how '${topic}' was written: ${firstLine(e)}`, { topic, prefix, unavailable: true });
    }
    mark('transactionsMs');
  }

  timings.totalMs = Date.now() - started;
  history.note(`fence: ${jobs.length} job(s) stopped, output ${drained ? 'drained' : 'NOT drained'} in ${timings.totalMs} ms (${JSON.stringify(timings)})`);
  return { jobs, lateRecordsDropped, ends, drained, openTransactions, transactionLog, timings };
}

/** High watermark (read_uncommitted end) and last stable offset of every partition, as strings (JSON). */
export async function partitionEnds(kafka: KafkaBroker, topic: string): Promise<PartitionEnd[]> {
  const [hwm, lso] = await Promise.all([kafka.highWatermarks(topic), kafka.lastStableOffsets(topic)]);
  return [...hwm]
    .sort(([a], [b]) => a - b)
    .map(([partition, h]) => ({ partition, hwm: String(h), lso: String(lso.get(partition) ?? 0n) }));
}

function openTransactionData(t: TransactionDescription): Record<string, unknown> {
  return {
    transactionalId: t.transactionalId,
    state: t.state,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    ...(t.startTimeMs === undefined ? {} : { startTimeMs: t.startTimeMs }),
    ...(t.durationMs === undefined ? {} : { durationMs: t.durationMs }),
    timeoutMs: t.timeoutMs,
    partitions: t.partitions,
  };
}

/**
 * Stop with savepoint (drain false: the exactly-once sink commits its last
 * transaction when the savepoint completes). The POST goes out once (the REST
 * client never resends it and looks up an unanswered one by its trigger id);
 * if the savepoint fails or the job has not ended within the bound, Flink's
 * state decides, and a job still running is cancelled.
 */
async function stopJob(tb: Testbed, jobId: string, status: JobState, options: FenceOptions): Promise<FencedJob> {
  const rest = tb.cluster.rest;
  const t0 = Date.now();
  const stopTimeoutMs = options.stopTimeoutMs ?? 120_000;
  let why = '';
  if (status !== 'RUNNING') {
    // A job restarting right now would write again once it runs: give it the chance to be stopped cleanly.
    status = await waitFor(`job ${jobId} RUNNING (it was ${status}) before the fence`, async (seen) => {
      const s = (await rest.job(jobId)).state;
      seen(s);
      return s === 'RUNNING' || TERMINAL.has(s) ? s : undefined;
    }, { timeoutMs: 30_000 }).catch(() => status);
    if (TERMINAL.has(status)) return { jobId, how: 'ended-by-itself', finalState: status, ms: Date.now() - t0 };
  }
  if (status === 'RUNNING') {
    let savepoint: string | undefined;
    try {
      // In the profile's format: a backend may take only one (ForSt: native).
      const format = tb.profile?.profile.savepointFormat;
      const trigger = await rest.stopWithSavepoint(jobId, { drain: false, ...(format ? savepointFormatRestField(format) : {}) });
      savepoint = await waitFor(
        `the fence's savepoint of job ${jobId}`,
        async (seen) => {
          const op = await rest.savepointStatus(jobId, trigger);
          seen(op.status.id);
          if (op.status.id !== 'COMPLETED') return undefined;
          const failure = op.operation?.['failure-cause'];
          if (failure) throw new StopWaiting(`savepoint failed: ${(failure['stack-trace'] ?? failure.class).split('\n')[0]}`);
          return op.operation?.location ?? '(no location)';
        },
        { timeoutMs: stopTimeoutMs, diagnose: () => tb.cluster.diagnose(jobId) },
      );
    } catch (e) {
      why = firstLine(e);
    }
    // Whatever the answer was: what did the JobManager do?
    const state = await terminalState(rest, jobId, savepoint ? stopTimeoutMs : 5_000);
    if (state && TERMINAL.has(state)) {
      return { jobId, how: 'stop-with-savepoint', finalState: state, ms: Date.now() - t0, ...(savepoint ? { savepoint } : {}), ...(why ? { why } : {}) };
    }
    why ||= `still ${state ?? 'unknown'} after its savepoint`;
  } else {
    why = `never RUNNING (last ${status})`;
  }
  try {
    await rest.cancel(jobId);
  } catch (e) {
    why += `; cancel: ${firstLine(e)}`;
  }
  const state = await terminalState(rest, jobId, options.cancelTimeoutMs ?? 60_000);
  return { jobId, how: 'cancel', finalState: state ?? 'unknown', ms: Date.now() - t0, why };
}

/** Waits until the job is FINISHED, CANCELED or FAILED; returns the last state seen (undefined when none). */
async function terminalState(rest: FlinkRest, jobId: string, timeoutMs: number): Promise<JobState | undefined> {
  let last: JobState | undefined;
  try {
    return await waitFor(`job ${jobId} to end`, async (seen) => {
      last = (await rest.job(jobId)).state;
      seen(last);
      return TERMINAL.has(last) ? last : undefined;
    }, { timeoutMs });
  } catch {
    return last;
  }
}

/**
 * The window operator's numLateRecordsDropped summed over its subtasks. Flink
 * lists operator metrics of a vertex as `<operator name>.numLateRecordsDropped`;
 * the name is looked up among the vertex's metrics (they appear once the
 * JobManager's metric fetcher has run).
 */
async function lateDrops(rest: FlinkRest, jobId: string, vertexName: string): Promise<{ metricId: string; value: number }> {
  const job = await rest.job(jobId);
  const vertex = job.vertices.find((v) => v.name === vertexName);
  if (!vertex) throw new Error(`no vertex '${vertexName}' (vertices: ${job.vertices.map((v) => v.name).join(', ')})`);
  const base = `${rest.baseUrl}/jobs/${jobId}/vertices/${vertex.id}/subtasks/metrics`;
  let available: string[] = [];
  const metricId = await waitFor(
    `numLateRecordsDropped among the metrics of '${vertexName}'`,
    async (seen) => {
      available = (await getJson<{ id: string }[]>(base)).map((m) => m.id);
      seen(`${available.length} metrics: ${available.slice(0, 12).join(', ')}`);
      return available.find((id) => id === LATE_DROPS_METRIC || id.endsWith(`.${LATE_DROPS_METRIC}`));
    },
    {
      // Past web.timeout (30 s, containers/flink-properties.ts): a metric fetch stuck on a killed TaskManager ends by then.
      timeoutMs: 45_000,
      intervalMs: 1_000,
      // Which TaskManagers the JobManager knows and where the vertex's subtasks run: the metric fetcher asks those.
      diagnose: async () => {
        const tms = (await rest.taskManagers()).map((t) => `${t.id} (slots ${t.freeSlots}/${t.slotsNumber}, last heartbeat ${t.timeSinceLastHeartbeat ? `${Date.now() - t.timeSinceLastHeartbeat} ms ago` : 'unknown'})`);
        const subtasks = await getJson<{ subtasks?: { subtask: number; status: string; host?: string; 'taskmanager-id'?: string }[] }>(
          `${rest.baseUrl}/jobs/${jobId}/vertices/${vertex.id}`,
        ).then((v) => (v.subtasks ?? []).map((t) => `#${t.subtask} ${t.status} on ${t['taskmanager-id'] ?? t.host ?? '?'}`));
        return `TaskManagers: ${tms.join('; ') || 'none'}\nsubtasks of '${vertexName}': ${subtasks.join('; ') || 'none'}`;
      },
    },
  );
  const [m] = await getJson<{ id: string; sum?: number }[]>(`${base}?get=${encodeURIComponent(metricId)}&agg=sum`);
  if (typeof m?.sum !== 'number') throw new Error(`${metricId}: no sum in ${JSON.stringify(m)}`);
  return { metricId, value: m.sum };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function describeFenced(j: FencedJob): string {
  const how = j.how === 'stop-with-savepoint' ? `stopped with savepoint${j.savepoint ? ` ${j.savepoint}` : ''}` : j.how === 'cancel' ? 'cancelled' : 'had ended by itself';
  return `job ${j.jobId} ${how}: ${j.finalState} after ${j.ms} ms${j.why ? ` (${j.why})` : ''}`;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 500);
}
