import { describe, expect, test } from 'vitest';
import { isOpenTransactionState, parseTransactionDescription, parseTransactionList } from './kafka-transactions.js';

// Verbatim output of Kafka 4.1.1's kafka-transactions.sh (TransactionsCommand) against a
// transactional kafkajs producer into `output`: while its transaction was open, then aborted.
const LIST_OPEN =
  'TransactionalId          \tCoordinator\tProducerId\tTransactionState\t\n' +
  'click-event-count-probe-1\t1          \t1         \tOngoing         \t\n';
const DESCRIBE_OPEN =
  'CoordinatorId\tTransactionalId          \tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions  \t\n' +
  '1            \tclick-event-count-probe-1\t1         \t0            \tOngoing         \t60000               \t1796158336945                \t20457                \toutput-1,output-0\t\n';
const DESCRIBE_ABORTED =
  'CoordinatorId\tTransactionalId          \tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions\t\n' +
  '1            \tclick-event-count-probe-1\t1         \t0            \tCompleteAbort   \t60000               \t1796158336945                \t37921                \t               \t\n';

describe("kafka-transactions.sh output", () => {
  test('list: one row per transactional id, with its state', () => {
    expect(parseTransactionList(`[2026] WARN something before the table\n${LIST_OPEN}`)).toEqual([
      { transactionalId: 'click-event-count-probe-1', coordinator: 1, producerId: 1, state: 'Ongoing' },
    ]);
    expect(parseTransactionList('TransactionalId\tCoordinator\tProducerId\tTransactionState\t\n')).toEqual([]);
  });

  test('describe: start time and partitions of an open transaction; none once it ended', () => {
    expect(parseTransactionDescription(DESCRIBE_OPEN)).toEqual({
      transactionalId: 'click-event-count-probe-1', coordinatorId: 1, producerId: 1, producerEpoch: 0, state: 'Ongoing',
      timeoutMs: 60000, startTimeMs: 1796158336945, durationMs: 20457, partitions: ['output-1', 'output-0'],
    });
    expect(parseTransactionDescription(DESCRIBE_ABORTED)).toMatchObject({ state: 'CompleteAbort', partitions: [] });
  });

  test('output without the table is an error that quotes it, not an empty list', () => {
    expect(() => parseTransactionList('Failed to list transactions: Timed out waiting for a node assignment.')).toThrow(/Timed out/);
  });

  test('open states hold the last stable offset back; ended ones do not', () => {
    for (const s of ['Ongoing', 'PrepareCommit', 'PrepareAbort', 'PrepareEpochFence']) expect(isOpenTransactionState(s)).toBe(true);
    for (const s of ['Empty', 'CompleteCommit', 'CompleteAbort', 'Dead']) expect(isOpenTransactionState(s)).toBe(false);
  });
});
