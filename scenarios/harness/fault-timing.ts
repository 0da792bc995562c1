import type { Cluster } from '../../containers/cluster.js';
import type { CheckpointStats } from '../../containers/flink-rest.js';
import { releaseCapabilities } from '../../containers/profiles/profile.js';
import { waitFor } from '../../containers/wait.js';
import { killTaskManager } from '../../faults/taskmanager.js';
import { PAGES, WINDOW_MS } from '../../history/types.js';
import { clickAt } from '../../workload/click-event.js';
import { newestWindowStart } from './output-progress.js';
import type { Scenario } from './scenario.js';

// When to pull the plug. A fault injected at a random moment proves less than
// one injected where its consequence is certain: these waits pick the moment
// from what the REST API, the consumer group and the output show.

/**
 * REST answers as fresh as the fault timing needs. By default the JobManager
 * caches job details for web.refresh-interval (3 s) and checkpoint statistics
 * for as long; a wait on "all tasks RUNNING" or "latest checkpoint" would see
 * the past. Observability only: no effect on the job.
 */
export const FRESH_REST_PROPERTIES: Record<string, string> = {
  'web.refresh-interval': '500',
  'rest.cache.checkpoint-statistics.timeout': '100 ms',
};

/**
 * The adaptive scheduler waits 30 s between rescales by default (and up to
 * 60 s for resources to stabilize): a test would wait minutes per rescale.
 */
export function adaptiveRescaleProperties(version: string): Record<string, string> {
  return releaseCapabilities(version).major >= 2
    ? { 'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '1 s', 'jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout': '1 s' }
    : { 'jobmanager.adaptive-scheduler.scaling-interval.min': '1 s', 'jobmanager.adaptive-scheduler.resource-stabilization-timeout': '1 s' };
}

/** The job's checkpoint interval (ClickEventCount.CHECKPOINT_INTERVAL_MS). */
const CHECKPOINT_INTERVAL_MS = 1_000;
/** Upper bound on how long Flink's write takes to reach the tap (producer linger, fetch wait 250 ms). */
const TAP_LATENCY_MS = 300;
/** The kill must land before the next checkpoint can complete: stop looking this long before it is triggered. */
const KILL_MARGIN_MS = 200;

type CompletedCheckpoint = NonNullable<CheckpointStats['latest']['completed']> & { trigger_timestamp?: number };

export interface TimedKill {
  /** Latest completed checkpoint when the TaskManager was killed: the one the job must restore. */
  checkpointId: number;
  /** Arrival time of the newest output record no completed checkpoint covers. */
  uncheckpointedOutputAt: number;
  /** Newest window in output at the kill. */
  newestWindow: number | null;
  /** ms spent waiting for the moment. */
  waitedMs: number;
}

/**
 * Kills TaskManager `index` right after output that no completed checkpoint
 * covers has reached `output`, and before the next checkpoint can complete.
 * After the restore from that checkpoint, the window operator fires those
 * windows again: with the at-least-once sink, identical duplicates follow.
 *
 * Moment: an output record arrived more than TAP_LATENCY_MS after the latest
 * completed checkpoint's last acknowledgement (so Flink wrote it after the
 * sink had acknowledged that checkpoint, i.e. after its barrier), and the next
 * checkpoint is not yet due (now < trigger + interval - margin). If the
 * record's delay was longer than TAP_LATENCY_MS after all, no duplicate
 * follows: callers that need duplicates check for them and try again.
 */
export async function killTaskManagerAfterUncheckpointedOutput(s: Scenario, jobId: string, timeoutMs = 60_000, index = 0): Promise<TimedKill> {
  const began = Date.now();
  const moment = await waitFor(
    'output written after the latest completed checkpoint, before the next one',
    async (seen) => {
      // trigger_timestamp is in every checkpoint statistics entry; the typed client leaves it out.
      const completed = (await s.cluster.rest.checkpoints(jobId)).latest.completed as CompletedCheckpoint | null;
      const lastArrival = s.tap.records.at(-1)?.arrivalMs;
      const now = Date.now();
      if (!completed?.trigger_timestamp || lastArrival === undefined) {
        seen(`checkpoint ${completed?.id ?? 'none'}, ${s.tap.records.length} output records`);
        return undefined;
      }
      seen(
        `checkpoint ${completed.id} triggered ${now - completed.trigger_timestamp} ms ago, acknowledged ${now - completed.latest_ack_timestamp} ms ago; ` +
          `last output ${now - lastArrival} ms ago`,
      );
      const uncovered = lastArrival > completed.latest_ack_timestamp + TAP_LATENCY_MS;
      const beforeNext = now < completed.trigger_timestamp + CHECKPOINT_INTERVAL_MS - KILL_MARGIN_MS;
      return uncovered && beforeNext ? { checkpointId: completed.id, uncheckpointedOutputAt: lastArrival } : undefined;
    },
    { timeoutMs, intervalMs: 25, diagnose: () => s.cluster.diagnose(jobId) },
  );
  await killTaskManager(s, index);
  return { ...moment, newestWindow: newestWindowStart(s.tap.records), waitedMs: Date.now() - began };
}

/** The consumer group's committed offset per partition of `topic` (-1: none committed yet). */
export async function committedOffsets(cluster: Cluster, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = await cluster.kafka.admin();
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/**
 * Event time of the click at `offset` of `partition`, by the generator's
 * layout (workload/click-event.ts): ticks of one event per page alternate
 * between partitions, so the k-th group of PAGES.length records of partition
 * p is tick k * partitions + p. Valid only for a topic holding nothing but
 * the generator's clicks (no raw records), before its closing events.
 */
export function eventTimeAtOffset(offset: number, partition: number, partitions: number, startMs = 0): number {
  const tick = Math.floor(offset / PAGES.length) * partitions + partition;
  return clickAt(tick * PAGES.length, startMs).timestamp;
}

/** The event-time window containing `timestampMs`. */
export const windowOf = (timestampMs: number) => Math.floor(timestampMs / WINDOW_MS) * WINDOW_MS;
