// Did a JobManager fault (HA) hit the job, and did the job come back whole?
// A pure function of the history, like assertions/fault-evidence.ts (which
// registers these rules). After a JobManager failover Flink's exception history
// is empty (it lives in the JobManager that went), so the evidence is:
// - the 'check' the fault recorded from ZooKeeper: another JobManager became
//   REST leader (for a ZooKeeper restart: a leader came back at all);
// - a restore (`latest.restored`) of a job that ran before the fault, under the
//   same job id, of a checkpoint no older than the last one seen completed
//   before the restore (the JobWatcher sees a checkpoint up to a poll late, so
//   one completed just before the fault may be recorded just after it; the old
//   leader completes none once it lost leadership, and the new one's first
//   comes after its restore).
// Both: confirmed. A restore of an older checkpoint: fail (a completed
// checkpoint was lost). Anything missing: inconclusive.
import type { FaultOccurrence } from '../history/fault-occurrences.js';
import type { HistoryEvent } from '../history/types.js';
import { eventsOf as of, type EventOf as Ev } from '../history/events-of.js';
import type { Reason } from './outcome.js';


/** The name of the 'check' faults/jobmanager.ts records from the REST leader znode. */
export const LEADER_CHECK = 'jobmanager-leader';

/** The JobManager faults of an HA cluster, and whether each needs another JobManager to lead afterwards. */
export const JOBMANAGER_FAULTS = {
  'kill-jobmanager-leader': { newLeader: true },
  'pause-jobmanager-leader': { newLeader: true },
  'isolate-jobmanager-leader': { newLeader: true },
  'restart-zookeeper': { newLeader: false },
} as const;

export interface LeaderCheckData {
  leader?: string;
  previous?: string;
}

export function jobManagerFailoverEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const newLeader = (JOBMANAGER_FAULTS as Record<string, { newLeader: boolean }>)[f.name]?.newLeader ?? true;
  const leaderCheck = of(events, 'check').find((c) => c.name === LEADER_CHECK && c.t >= f.invokedAt && c.t < until);
  const data = (leaderCheck?.data ?? {}) as LeaderCheckData;
  const leaderOk = leaderCheck?.ok === true && data.leader !== undefined && (!newLeader || data.leader !== data.previous);
  const before = jobsRunningBefore(events, f.invokedAt);
  const restore = of(events, 'restore').find((r) => before.has(r.jobId) && r.restoredAt >= f.invokedAt && r.restoredAt < until);
  const leaderEvidence = { leader: data.leader, previousLeader: data.previous, leaderCheck: leaderCheck?.detail };
  if (!restore) {
    return {
      code: leaderOk ? `fault.${f.name}.no-evidence` : `fault.${f.name}.no-effect`,
      effect: 'inconclusive',
      message: leaderOk
        ? `${data.leader} took over after ${f.name}, but no job that ran before it (${[...before].join(', ') || 'none'}) restored a checkpoint afterwards`
        : `after ${f.name} ZooKeeper named no ${newLeader ? 'new ' : ''}leader (${leaderCheck?.detail ?? 'no leader check recorded'}) and no job restored a checkpoint: the harness cannot tell it hit the job`,
      evidence: { ...leaderEvidence, jobsBefore: [...before] },
    };
  }
  const lastBefore = lastCheckpointBefore(events, restore.jobId, restore.restoredAt);
  const restoreEvidence = {
    jobId: restore.jobId,
    restoredCheckpointId: restore.checkpointId,
    restoredPath: restore.path,
    restoredAt: restore.restoredAt,
    lastCheckpointBefore: lastBefore,
    recoveredAfterMs: restore.restoredAt - f.invokedAt,
  };
  if (lastBefore !== undefined && restore.checkpointId < lastBefore) {
    return {
      code: `fault.${f.name}.stale-restore`,
      effect: 'fail',
      message: `job ${restore.jobId} restored checkpoint ${restore.checkpointId} after ${f.name}, older than checkpoint ${lastBefore} seen completed before that restore: a completed checkpoint was lost`,
      evidence: { ...leaderEvidence, ...restoreEvidence },
    };
  }
  if (!leaderOk) {
    return {
      code: `fault.${f.name}.no-new-leader`,
      effect: 'inconclusive',
      message: `job ${restore.jobId} restored checkpoint ${restore.checkpointId}, but ZooKeeper named no ${newLeader ? 'new ' : ''}leader (${leaderCheck?.detail ?? 'no leader check recorded'})`,
      evidence: { ...leaderEvidence, ...restoreEvidence },
    };
  }
  return {
    code: `fault.${f.name}.confirmed`,
    effect: 'info',
    message:
      `${newLeader ? `${data.leader} took over from ${data.previous}` : `${data.leader} leads again`}; job ${restore.jobId} (same id) ` +
      `restored checkpoint ${restore.checkpointId}${lastBefore === undefined ? '' : ` (last completed before: ${lastBefore})`} ${restore.restoredAt - f.invokedAt} ms after the fault`,
    evidence: { ...leaderEvidence, ...restoreEvidence },
  };
}

/** Jobs whose last state seen before `t` was not terminal. */
function jobsRunningBefore(events: readonly HistoryEvent[], t: number): Set<string> {
  const last = new Map<string, string>();
  for (const e of of(events, 'job-state')) if (e.t < t) last.set(e.jobId, e.state);
  return new Set([...last].filter(([, s]) => !['FAILED', 'CANCELED', 'FINISHED'].includes(s)).map(([id]) => id));
}

function lastCheckpointBefore(events: readonly HistoryEvent[], jobId: string, t: number): number | undefined {
  const ids = of(events, 'checkpoint').filter((c) => c.jobId === jobId && c.type === 'checkpoint' && c.t < t).map((c) => c.id);
  return ids.length ? Math.max(...ids) : undefined;
}

