import { expect } from 'vitest';
import { EOS_TRANSACTIONAL_OUTPUT_CHECK, fenceReasons } from '../../assertions/fence-evidence.js';
import { LATE_DROPS_METRIC } from '../../assertions/late-drops.js';
import { decide } from '../../assertions/outcome.js';
import { VERTEX } from '../../config/job-spec.js';
import type { HistoryEvent, SinkSemantics } from '../../history/types.js';
import type { FenceResult } from './fence.js';
import type { Scenario } from './scenario.js';

type Check = Extract<HistoryEvent, { kind: 'check' }>;

/**
 * After s.judge: its fence stopped the Click Event Count job `jobId` with a
 * savepoint and found nothing in flight. Every partition was read to its high
 * watermark, the window operator dropped no late record, and for the
 * exactly-once sink every record sits in a transaction, with a commit on each
 * partition the committed reader read from.
 */
export function expectCleanFence(s: Scenario, jobId: string, sink: SinkSemantics): FenceResult {
  const fenced = s.fenced();
  expect(fenced, 'the judge fenced the job').toBeDefined();
  expect(fenced!.jobs).toEqual([expect.objectContaining({ jobId, how: 'stop-with-savepoint', finalState: 'FINISHED' })]);
  expect(fenced!.ends.every((p) => p.lso === p.hwm), 'every partition: last stable offset = high watermark').toBe(true);
  expect(s.history.events.filter((e) => e.kind === 'metric' && e.name === LATE_DROPS_METRIC)).toEqual([
    expect.objectContaining({ jobId, vertex: VERTEX.counter, value: 0 }),
  ]);
  const reasons = decide(fenceReasons({ events: s.history.events }, sink)).reasons;
  expect(reasons.filter((r) => r.effect !== 'info'), 'the fence found nothing in flight').toEqual([]);
  if (sink === 'exactly-once') {
    const transactional = s.history.events.filter((e): e is Check => e.kind === 'check' && e.name === EOS_TRANSACTIONAL_OUTPUT_CHECK).at(-1);
    expect(transactional).toMatchObject({ ok: true });
    // A partition may hold only an aborted transaction (measured once: output-1, 6 records
    // of one producer and an abort marker after the kill): a commit is asked only where
    // the committed reader read.
    for (const p of fenced!.transactionLog ?? []) {
      expect(p.outsideTransactions, `output-${p.partition} records outside transactions`).toBe(0);
      if (s.tap.records.some((r) => r.partition === p.partition)) expect(p.commitMarkers, `output-${p.partition} commit markers`).toBeGreaterThan(0);
    }
  }
  return fenced!;
}
