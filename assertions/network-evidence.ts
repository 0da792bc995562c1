// Did a network fault (faults/network.ts) reach the job? Pure, one reason per
// fault. A TaskManager cut from Kafka counts when its own Kafka clients
// logged losing the brokers, or a task failed on a Kafka exception, or the job
// failed over, or checkpoints stalled while it was cut. Cut from the
// JobManager: a failure naming it (heartbeat timeout), a failover, or a
// checkpoint stall. A toxic on the Kafka proxy counts when Flink's traffic
// went through the proxy while it was on (its log shows Kafka connections wired through the toxic). A fault
// never healed, or with none of these, is inconclusive.
import type { FaultOccurrence } from '../history/fault-occurrences.js';
import type { HistoryEvent } from '../history/types.js';
import type { Reason } from './outcome.js';
import { checkpointStall, CLIENT_AFTERMATH_MS, faultEnd, kafkaClientLines, type FaultRule } from './replicated-kafka-evidence.js';
import { eventsOf as of } from '../history/events-of.js';

/** faults/network.ts's names (not imported: assertions read no fault code). */
const HEAL_PARTITION = 'heal-partition';
const REMOVE_TOXIC = 'remove-toxic';
const PROXY_TRAFFIC_CHECK = 'proxy-traffic';
/** A checkpoint seen this soon after the cut may have been triggered before it. */
const POLL_SLACK_MS = 1_000;

function partitionEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const healed = faultEnd(f, events, HEAL_PARTITION);
  if (healed === undefined) {
    return { code: `fault.${f.name}.not-healed`, effect: 'inconclusive', message: `${f.target} was never put back on its network in the history: the partition has no end to judge`, evidence: {} };
  }
  const cutMs = healed - f.invokedAt;
  const window = Math.min(healed + CLIENT_AFTERMATH_MS, until);
  const evidence: Record<string, unknown> = { cutMs };
  const invoke = of(events, 'fault').find((e) => e.name === f.name && e.target === f.target && e.phase === 'invoke' && e.t === f.invokedAt);
  const addresses = invoke?.addresses ?? [];
  if (f.name === 'partition-taskmanager-kafka') {
    const lines = kafkaClientLines(events, f.invokedAt, window).filter((l) => l.node === f.target || l.what.startsWith('job-exception'));
    if (lines.length > 0) {
      return confirmed(f, `${f.target}'s Kafka clients lost the brokers (${lines[0]!.what}) while it was cut for ${Math.round(cutMs / 1000)} s`, { ...evidence, clientLines: lines.length, first: lines[0] });
    }
  } else {
    const named = of(events, 'job-exception').find(
      (e) => e.timestamp >= f.invokedAt && e.timestamp < window && [e.location, e.taskManagerId, e.message].some((s) => s && (s.includes(f.target) || addresses.some((ip) => s.includes(`${ip}:`)))),
    );
    if (named) {
      return confirmed(f, `Flink declared ${f.target} lost while it was cut from the JobManager (${named.exceptionName.split('.').at(-1)})`, { ...evidence, exception: named.message ?? named.exceptionName, at: named.timestamp });
    }
  }
  const failover = of(events, 'job-state').find((e) => e.state === 'RESTARTING' && e.t >= f.invokedAt && e.t < window);
  if (failover) return confirmed(f, `job ${failover.jobId} failed over while ${f.target} was cut`, { ...evidence, failoverAt: failover.t });
  const stall = checkpointStall(events, f.invokedAt, healed);
  if (stall) {
    return confirmed(f, `no checkpoint completed in the ${Math.round(cutMs / 1000)} s ${f.target} was cut (${stall.checkpointsBefore} in the same time before)`, { ...evidence, checkpointsBefore: stall.checkpointsBefore, checkpointsDuring: 0 });
  }
  const checkpoints = of(events, 'checkpoint').filter((c) => c.type === 'checkpoint');
  const before = checkpoints.filter((c) => c.t >= f.invokedAt - cutMs && c.t < f.invokedAt).length;
  const during = checkpoints.filter((c) => c.t > f.invokedAt + POLL_SLACK_MS && c.t < healed).length;
  return {
    code: `fault.${f.name}.no-effect`,
    effect: 'inconclusive',
    message: `no Kafka client error, failure, failover or checkpoint stall while ${f.target} was cut for ${Math.round(cutMs / 1000)} s`,
    evidence: { ...evidence, checkpointsBefore: before, checkpointsDuring: during },
  };
}

function toxicEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const removed = faultEnd(f, events, REMOVE_TOXIC);
  if (removed === undefined) {
    return { code: `fault.${f.name}.not-healed`, effect: 'inconclusive', message: `toxic ${f.target} was never removed in the history`, evidence: {} };
  }
  const traffic = of(events, 'check').find((c) => c.name === PROXY_TRAFFIC_CHECK && c.data?.target === f.target && c.t >= f.invokedAt && c.t < until);
  if (!traffic || !traffic.ok) {
    return {
      code: `fault.${f.name}.no-effect`,
      effect: 'inconclusive',
      message: traffic ? `toxic ${f.target}: ${traffic.detail}: Flink's traffic did not go through it` : `toxic ${f.target}: the proxy's traffic was not read`,
      evidence: traffic?.data ?? {},
    };
  }
  return confirmed(f, `${traffic.detail} (${f.detail ?? f.target})`, { ...traffic.data, onMs: removed - f.invokedAt });
}

function confirmed(f: FaultOccurrence, message: string, evidence: Record<string, unknown>): Reason {
  return { code: `fault.${f.name}.confirmed`, effect: 'info', message, evidence };
}

export const networkRules: Record<string, FaultRule> = {
  'partition-taskmanager-kafka': partitionEvidence,
  'partition-taskmanager-jobmanager': partitionEvidence,
  'kafka-toxic': toxicEvidence,
};
