// What Kafka said about the output's transactions, as the fence recorded it:
// kafka-transactions.sh's listing and descriptions, and how each partition's
// log was written (containers/kafka-transactions.ts reads them; the checkers
// in assertions/fence-evidence.ts judge them).

/** One row of `kafka-transactions.sh list`. */
export interface TransactionListing {
  transactionalId: string;
  coordinator: number;
  producerId: number;
  state: string;
}

/** `kafka-transactions.sh describe --transactional-id <id>`. */
export interface TransactionDescription {
  transactionalId: string;
  coordinatorId: number;
  producerId: number;
  producerEpoch: number;
  state: string;
  timeoutMs: number;
  /** Epoch ms when the open transaction began; undefined when none is open (the tool prints "None" or -1). */
  startTimeMs?: number;
  durationMs?: number;
  /** topic-partition names the transaction wrote to, e.g. output-0. */
  partitions: string[];
}

/**
 * How one partition's log was written, from its record batches (Kafka's v2
 * log format): a transactional producer sets the batch's isTransactional
 * attribute and ends each transaction with a control batch (a COMMIT or
 * ABORT marker) under its producer id. Offsets and producer ids as decimal
 * strings (JSON, int64).
 */
export interface PartitionTransactionLog {
  partition: number;
  /** Where the read started (the log start) and the offset it reached (the high watermark). */
  from: string;
  to: string;
  /** Records that are not control records. */
  dataRecords: number;
  /** Data records in batches without the isTransactional attribute: written outside any transaction. */
  outsideTransactions: number;
  firstOutsideOffset?: string;
  /** Distinct producer ids of the transactional data batches. */
  transactionalProducers: string[];
  commitMarkers: number;
  abortMarkers: number;
  /** Distinct producer ids that wrote a COMMIT marker. */
  committingProducers: string[];
  /**
   * Data records of transactions that ended with an ABORT marker, as sorted
   * [first, last] offset ranges: what a read_committed reader must never
   * deliver. Decided from the log itself (a producer's data up to its next
   * marker in the partition), not from the fetch's aborted-transactions list.
   */
  abortedRanges?: [string, string][];
  /** Data records of transactions with no marker yet at the end of the read. */
  openRecords?: number;
}
