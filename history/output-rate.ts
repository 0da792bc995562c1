// Output records per second over the scenario, in fixed buckets from its
// start: the shape a fault leaves (a gap, then a burst of replays) shows here.
import type { History } from './types.js';

export interface RateBucket {
  /** Wall-clock start of the bucket, epoch ms. */
  startMs: number;
  /** Bucket start relative to the scenario start, seconds. */
  secondsFromStart: number;
  /** Records (of any shape, tombstones included) that arrived in the bucket. */
  records: number;
  perSecond: number;
}

export function outputRate(history: History, bucketMs = 1000): RateBucket[] {
  if (!(bucketMs > 0)) throw new Error(`bucketMs must be positive, got ${bucketMs}`);
  // reduce, not Math.max(...): a long run has more records than a call has arguments.
  const last = history.output.reduce((m, r) => Math.max(m, r.arrivalMs), history.endedAt);
  const buckets = Array.from({ length: Math.floor((last - history.startedAt) / bucketMs) + 1 }, (_, i) => ({
    startMs: history.startedAt + i * bucketMs,
    secondsFromStart: (i * bucketMs) / 1000,
    records: 0,
    perSecond: 0,
  }));
  for (const r of history.output) {
    // Records read before the recorded start (clock skew between pollers) land in the first bucket.
    const i = Math.max(0, Math.floor((r.arrivalMs - history.startedAt) / bucketMs));
    buckets[i].records++;
  }
  for (const b of buckets) b.perSecond = (b.records * 1000) / bucketMs;
  return buckets;
}
