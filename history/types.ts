// The contract between the rooms that record (workload, faults, cluster
// pollers, output reader) and the rooms that judge and report (assertions,
// reports). Everything here is plain data: JSON-serialisable except the raw
// output bytes, which the history file stores as base64.

/** Event-time window length of the Click Event Count job. */
export const WINDOW_MS = 15_000;

/** The six pages of the playground's generator, in the order it emits them. */
export const PAGES = ['/help', '/index', '/shop', '/jobs', '/about', '/news'] as const;
export type Page = (typeof PAGES)[number];

/**
 * What the click generator knows Kafka acknowledged (acks=all).
 * `acknowledged[windowStart][page]` counts events whose timestamp lies in
 * [windowStart, windowStart + WINDOW_MS).
 */
export interface GeneratorLedger {
  windowMs: number;
  pages: readonly string[];
  acknowledged: Record<string, Record<string, number>>;
  /** Total events acknowledged. */
  total: number;
  /** Largest event timestamp acknowledged, -1 when none. */
  maxTimestampMs: number;
  /**
   * Windows ending at or before this were followed, on every input partition,
   * by events far enough ahead that the job's watermark closes them. Windows
   * ending later are "unsettled": they may legitimately be absent.
   */
  closedThroughMs: number;
}

/** One record read from the `output` topic, as read: never pre-parsed. */
export interface OutputRecord {
  partition: number;
  offset: string;
  /** Raw value bytes; null for a tombstone. */
  value: Uint8Array | null;
  /** Raw key bytes, when the record has a key (the playground job writes none). */
  key?: Uint8Array;
  /** Wall-clock ms when the harness read it. */
  arrivalMs: number;
  /**
   * The broker's append time (the output topic uses LogAppendTime), epoch ms:
   * when Flink's sink wrote it, independent of the reader's lag. Absent in
   * histories recorded before it existed.
   */
  appendMs?: number;
}

/** The job's output value, `{windowStart, windowEnd, page, count}`, times in epoch ms. */
export interface WindowCount {
  windowStart: number;
  windowEnd: number;
  page: string;
  count: number;
}

export type SinkSemantics = 'at-least-once' | 'exactly-once';
export type TimeSemantics = 'event-time' | 'processing-time';

export interface OraclePolicy {
  sink: SinkSemantics;
  time: TimeSemantics;
}

/** Something that happened during a scenario, on the harness's wall clock. */
export type HistoryEvent =
  | { t: number; kind: 'generator'; total: number; maxTimestampMs: number }
  | {
      t: number;
      kind: 'fault';
      name: string;
      target: string;
      phase: 'invoke' | 'ok' | 'fail';
      detail?: string;
      /**
       * The target node's network addresses when the fault was invoked: Flink
       * names a TaskManager "<address>:<port>[-<suffix>]" in its exception
       * history, and a killed container may come back on another address.
       */
      addresses?: string[];
    }
  | { t: number; kind: 'operation'; name: string; target: string; phase: 'invoke' | 'ok' | 'fail'; detail?: string }
  | { t: number; kind: 'job-state'; jobId: string; state: string; tasks: Record<string, number> }
  | { t: number; kind: 'checkpoint'; jobId: string; id: number; type: 'checkpoint' | 'savepoint'; path?: string; sizeBytes?: number }
  | { t: number; kind: 'note'; text: string }
  /** One entry of the job's exception history (`GET /jobs/<id>/exceptions`), as Flink recorded it. */
  | {
      t: number;
      kind: 'job-exception';
      jobId: string;
      /** Flink's own timestamp of the failure, epoch ms. */
      timestamp: number;
      exceptionName: string;
      /** The first line of Flink's stack trace (class and message, e.g. "...TimeoutException: Heartbeat of TaskManager with id ... timed out."), trimmed. */
      message?: string;
      /** The failed task, when Flink names one. */
      taskName?: string;
      /** The TaskManager's endpoint (host:port) or resource id, when Flink names one. */
      location?: string;
      taskManagerId?: string;
    }
  /** The job restored a checkpoint or savepoint (`latest.restored` of `GET /jobs/<id>/checkpoints`). */
  | { t: number; kind: 'restore'; jobId: string; checkpointId: number; path: string; isSavepoint: boolean; restoredAt: number }
  /** A metric read from Flink at a point of the run (e.g. the window operator's numLateRecordsDropped, summed over subtasks). */
  | { t: number; kind: 'metric'; jobId: string; vertex: string; name: string; value: number }
  /** A log line that shows a fault reached a node (e.g. a Kafka client error in a TaskManager's log). */
  | { t: number; kind: 'log-evidence'; node: string; what: string; line: string }
  /**
   * The outcome of a check the harness ran against the real system whose
   * result the verdict needs: the fence before the final read, the last
   * stable offset against the high watermark, open transactions.
   */
  | { t: number; kind: 'check'; name: string; ok: boolean; detail: string; data?: Record<string, unknown> };

/** One scenario's timeline plus what it read and what it settled on. */
export interface History {
  scenario: string;
  flinkVersion: string;
  startedAt: number;
  endedAt: number;
  events: HistoryEvent[];
  ledger: GeneratorLedger;
  output: OutputRecord[];
}
