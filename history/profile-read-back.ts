// What the harness read back from Flink about a job's profile: a recorded
// fact (a 'profile-applied' check event's data), read by containers/profiles
// (read-back.ts) and judged by assertions/profile-applied.ts.

/** One entry of `GET /jobs/<id>/checkpoints` history, the fields read here. */
export interface CheckpointEntry {
  id: number;
  status: string;
  isSavepoint: boolean;
  /** CHECKPOINT | UNALIGNED_CHECKPOINT | SAVEPOINT | SYNC_SAVEPOINT ... as Flink names it. */
  checkpointType?: string;
  /** CANONICAL | NATIVE (savepoints). */
  savepointFormat?: string;
  /** What this checkpoint uploaded. */
  checkpointedSize?: number;
  /** The full size of the state it covers. */
  stateSize?: number;
}

/** What the harness read back from Flink for one job (the check event's `data.readBack`). */
export interface ProfileReadBack {
  jobId: string;
  /** Profile keys as `GET /jobmanager/config` lists them (absent: not set on the cluster). */
  clusterConfig: Record<string, string>;
  /** Profile keys as `GET /jobs/<id>/jobmanager/config` lists them. */
  jobConfig: Record<string, string>;
  /** `GET /jobs/<id>/checkpoints/config`, as Flink sent it. */
  checkpointConfig?: Record<string, unknown>;
  /** Completed and failed checkpoints and savepoints, oldest first. */
  checkpoints: CheckpointEntry[];
  /** `latest.restored`: the job resumed from this snapshot. */
  restored?: { id: number; isSavepoint: boolean; path: string };
  /**
   * The snapshot the harness resumed this job from (`flink run -s`, REST
   * `savepointPath`), not a failover's restore: the claim mode applies only to
   * it. `checkpointId`: its id (Flink's latest.restored while no failover
   * followed). `onDisk`: whether its folder still exists, looked at after the
   * resumed job completed checkpoints: CLAIM lets Flink delete it once
   * subsumed, NO_CLAIM and LEGACY never do. Flink's REST API does not report
   * a job's claim mode (not in its configuration, not in its checkpoint
   * statistics: seen on 2.2.1), so its effects are the evidence.
   */
  resumedFrom?: { path: string; checkpointId?: number; onDisk?: boolean };
  /** The scheduler running the job, by the class that logged its start in the JobManager's log. */
  schedulerInLog?: 'adaptive' | 'default';
  /** Savepoints of the job and their format, from the JobManager's "Triggering checkpoint <id> (type=SavepointType{... formatType=<F>})". */
  savepointFormatsInLog?: { id: number; format: string }[];
}
