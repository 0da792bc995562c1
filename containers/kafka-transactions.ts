// What Kafka's own `kafka-transactions.sh` (org.apache.kafka.tools.TransactionsCommand)
// prints, as data. The tool prints a table: a header row, then one row per
// transactional id, cells separated by tabs and padded with spaces. kafkajs has
// no ListTransactions / DescribeTransactions API, so the harness runs the tool
// in the broker container (see KafkaBroker.transactions) and parses it here.

import type { PartitionTransactionLog, TransactionDescription, TransactionListing } from '../history/transactions.js';

/** Transaction states after which a transactional id holds nothing open (Kafka's TransactionState). */
const CLOSED_STATES = new Set(['Empty', 'CompleteCommit', 'CompleteAbort', 'Dead']);

/** Ongoing, PrepareCommit, PrepareAbort, PrepareEpochFence: the transaction still holds the last stable offset back. */
export function isOpenTransactionState(state: string): boolean {
  return !CLOSED_STATES.has(state);
}

/** Rows of the tool's table keyed by its header cells; lines before the header (warnings) are skipped. */
export function parseToolTable(text: string, firstHeader: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.split('\t')[0]?.trim() === firstHeader);
  if (start < 0) throw new Error(`no table with a '${firstHeader}' column in the tool's output: ${text.slice(0, 500)}`);
  const header = cells(lines[start]!);
  return lines
    .slice(start + 1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const row = cells(l);
      return Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
    });
}

function cells(line: string): string[] {
  const parts = line.split('\t').map((c) => c.trim());
  // The tool ends every row with a tab.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function parseTransactionList(text: string): TransactionListing[] {
  return parseToolTable(text, 'TransactionalId').map((r) => ({
    transactionalId: r.TransactionalId!,
    coordinator: Number(r.Coordinator),
    producerId: Number(r.ProducerId),
    state: r.TransactionState!,
  }));
}

export function parseTransactionDescription(text: string): TransactionDescription {
  const rows = parseToolTable(text, 'CoordinatorId');
  if (rows.length !== 1) throw new Error(`expected one transaction in the tool's output, found ${rows.length}: ${text.slice(0, 500)}`);
  const r = rows[0]!;
  return {
    transactionalId: r.TransactionalId!,
    coordinatorId: Number(r.CoordinatorId),
    producerId: Number(r.ProducerId),
    producerEpoch: Number(r.ProducerEpoch),
    state: r.TransactionState!,
    timeoutMs: Number(r.TransactionTimeoutMs),
    startTimeMs: optionalMs(r.CurrentTransactionStartTimeMs),
    durationMs: optionalMs(r.TransactionDurationMs),
    partitions: (r.TopicPartitions ?? '').split(',').map((p) => p.trim()).filter(Boolean),
  };
}

function optionalMs(cell: string | undefined): number | undefined {
  const n = Number(cell);
  return cell === undefined || cell === '' || cell === 'None' || !Number.isFinite(n) || n < 0 ? undefined : n;
}

/** A record as kafkajs decodes it from a fetch (protocol/recordBatch): its batch's attributes in batchContext. */
export interface DecodedRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord: boolean;
  batchContext: { inTransaction: boolean; producerId: string };
}

/** ControlRecordKey: version int16, type int16 (0 ABORT, 1 COMMIT). */
function controlType(key: Buffer | null): 'commit' | 'abort' | 'unknown' {
  if (!key || key.length < 4) return 'unknown';
  const type = key.readInt16BE(2);
  return type === 1 ? 'commit' : type === 0 ? 'abort' : 'unknown';
}

/** Tallies one partition's records, in offset order, into a PartitionTransactionLog. */
export class TransactionLogTally {
  private dataRecords = 0;
  private outside = 0;
  private firstOutside?: string;
  private readonly producers = new Set<string>();
  private commits = 0;
  private aborts = 0;
  private readonly committing = new Set<string>();
  /** Per producer id: offsets of its transaction still open at this point of the log. */
  private readonly open = new Map<string, bigint[]>();
  private readonly aborted = new OffsetRanges();

  constructor(private readonly partition: number, private readonly from: bigint) {}

  add(r: DecodedRecord): void {
    const pid = r.batchContext.producerId;
    if (r.isControlRecord) {
      const type = controlType(r.key);
      if (type === 'commit') {
        this.commits++;
        this.committing.add(pid);
      } else if (type === 'abort') {
        this.aborts++;
        for (const o of this.open.get(pid) ?? []) this.aborted.add(o);
      }
      // A marker ends the producer's transaction in this partition, whichever it is (the Java consumer's rule).
      if (type !== 'unknown') this.open.delete(pid);
      return;
    }
    this.dataRecords++;
    if (r.batchContext.inTransaction) {
      this.producers.add(pid);
      let offsets = this.open.get(pid);
      if (!offsets) this.open.set(pid, (offsets = []));
      offsets.push(BigInt(r.offset));
    } else if (this.outside++ === 0) this.firstOutside = r.offset;
  }

  result(to: bigint): PartitionTransactionLog {
    return {
      partition: this.partition,
      from: String(this.from),
      to: String(to),
      dataRecords: this.dataRecords,
      outsideTransactions: this.outside,
      ...(this.firstOutside === undefined ? {} : { firstOutsideOffset: this.firstOutside }),
      transactionalProducers: [...this.producers].sort(),
      commitMarkers: this.commits,
      abortMarkers: this.aborts,
      committingProducers: [...this.committing].sort(),
      abortedRanges: this.aborted.ranges(),
      openRecords: [...this.open.values()].reduce((n, o) => n + o.length, 0),
    };
  }
}

/** Offsets added in any order, kept as sorted, merged [first, last] ranges (decimal strings). */
class OffsetRanges {
  private readonly offsets: bigint[] = [];

  add(o: bigint): void {
    this.offsets.push(o);
  }

  ranges(): [string, string][] {
    const sorted = [...new Set(this.offsets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const o of sorted) {
      const last = out[out.length - 1];
      if (last && o === last[1] + 1n) last[1] = o;
      else out.push([o, o]);
    }
    return out.map(([a, b]) => [String(a), String(b)]);
  }
}
