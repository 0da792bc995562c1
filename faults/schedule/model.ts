// The model of a fault schedule: what should be true of the cluster and the
// job after each step, beside the real system (fast-check model-based testing).
// Pure data and pure functions: preconditions, transitions and predictions are
// unit-tested without a cluster.
import { topologyLacks, topologyOf, type Topology, type TopologyNeed } from '../../containers/topology.js';

export type Via = 'cli' | 'rest';

/** Where a TaskManager's fault lands in event time: at once, or once the current window is well filled. */
export type Timing = 'now' | 'mid-window';

/**
 * One step of a schedule. TaskManager targets are picks among the eligible
 * ones (`pick` modulo their number), so a generated step rarely has nothing to act on.
 */
export type Action =
  | { kind: 'kill-taskmanager'; pick: number; timing: Timing }
  | { kind: 'start-taskmanager'; pick: number }
  | { kind: 'scale-taskmanagers'; count: number }
  | { kind: 'savepoint-resume'; via: Via; parallelism: number }
  | { kind: 'pause-taskmanager'; pick: number; seconds: number; timing: Timing }
  | { kind: 'restart-kafka' }
  | { kind: 'wait-windows'; windows: number }
  // A TaskManager killed during a lifecycle operation: while the job stops with a savepoint, while it
  // restores one (the step stops and resumes the job at its parallelism), or while a checkpoint is in flight.
  | { kind: 'kill-taskmanager-during'; during: LifecycleMoment; pick: number }
  // Faults of the topology (HA, three brokers, a partitionable network): each heals within its step.
  | { kind: 'kill-jobmanager-leader' }
  | { kind: 'pause-jobmanager-leader' }
  | { kind: 'restart-zookeeper' }
  | { kind: 'kill-partition-leader'; partition: number }
  | { kind: 'kill-transaction-coordinator' }
  | { kind: 'rolling-restart-kafka' }
  | { kind: 'cut-taskmanager-from-kafka'; pick: number }
  | { kind: 'cut-taskmanager-from-jobmanager'; pick: number }
  | { kind: 'pause-partition-leader'; partition: number }
  | { kind: 'pause-transaction-coordinator' }
  | { kind: 'isolate-broker'; pick: number }
  // The adaptive scheduler's rescale in place (PUT /jobs/<id>/resource-requirements): same job, no savepoint.
  | { kind: 'rescale-adaptive'; parallelism: number }
  // A toxic on every Flink-Kafka link of the proxy (topology kafkaProxy), removed within the step.
  | { kind: 'kafka-toxic'; toxic: KafkaToxicKind }
  // The JobManager leader's own ZooKeeper link cut (topology zookeeperProxy), healed within the step.
  | { kind: 'isolate-jobmanager-leader' };

export type ActionKind = Action['kind'];

/** What a kafka-toxic step does to every Flink-Kafka link (magnitudes in KAFKA_TOXICS). */
export type KafkaToxicKind = 'latency' | 'bandwidth' | 'loss';

/**
 * The toxics' fixed magnitudes, each on for KAFKA_TOXIC_S: latency past the
 * checkpoint interval (each request and answer waits), a bandwidth far below
 * the generator's rate, and a share of connections that stop passing data
 * and close (toxiproxy's timeout toxic: the nearest to loss on TCP).
 */
export const KAFKA_TOXICS = {
  latency: { latencyMs: 300, jitterMs: 100 },
  bandwidth: { kbPerSecond: 64 },
  loss: { share: 0.3, timeoutMs: 5_000 },
} as const;

/** How long a toxic stays on: several checkpoints and most of a window (generator paced x3). */
export const KAFKA_TOXIC_S = 20;

/** The lifecycle operation a TaskManager kill lands in. */
export type LifecycleMoment = 'stop' | 'restore' | 'checkpoint';

/** The steps that act on a TaskManager the model resolves (`pick` among running or killed ones). */
type TaskManagerAction = Extract<Action, { kind: 'kill-taskmanager' | 'start-taskmanager' | 'pause-taskmanager' | 'kill-taskmanager-during' }>;

/**
 * The cluster's shape a schedule runs on, fixed per suite (generated as a
 * constant: shrinking keeps it, replay gets it back from the suite).
 */
export interface ScheduleTopology {
  /** 1, or 2 with ZooKeeper HA. */
  jobManagers: 1 | 2;
  /** 1, or a KRaft quorum of 3 (topics RF=3, min ISR 2). */
  brokers: 1 | 3;
  /** Kafka on a network of its own: a TaskManager can be cut from it. */
  partitionable: boolean;
  /** Flink's Kafka traffic through toxiproxy (topology proxies taskmanager -> kafka): toxics can slow it. Absent: false. */
  kafkaProxy?: boolean;
  /** Under HA, each JobManager's ZooKeeper link through toxiproxy (proxies jobmanager -> zookeeper): the leader can be cut from ZooKeeper alone. Absent: false. */
  zookeeperProxy?: boolean;
}

/** Today's shape: one JobManager, one broker, one network. */
export const SINGLE_NODE_TOPOLOGY: ScheduleTopology = { jobManagers: 1, brokers: 1, partitionable: false };

export const describeTopology = (t: ScheduleTopology): string =>
  `${t.jobManagers === 2 ? '2 JobManagers (ZooKeeper HA)' : '1 JobManager'}, ${t.brokers} broker(s)${t.partitionable ? ', partitionable network' : ''}${t.kafkaProxy ? ', Kafka through a proxy' : ''}${t.zookeeperProxy ? ", JobManagers' ZooKeeper links through a proxy" : ''}`;

/** The proxy link every Kafka toxic needs. */
export const KAFKA_PROXY_LINK = { from: 'taskmanager', to: 'kafka' } as const;
/** The proxy link that cuts a JobManager from ZooKeeper. */
export const ZOOKEEPER_PROXY_LINK = { from: 'jobmanager', to: 'zookeeper' } as const;

/** The cluster topology (containers/topology.ts) a schedule's shape asks for: kafkaProxy is the taskmanager -> kafka proxy. */
export const clusterShape = (t: ScheduleTopology): Partial<Topology> => ({
  jobManagers: t.jobManagers,
  brokers: t.brokers,
  ...(t.partitionable ? { partitionable: true } : {}),
  ...(t.kafkaProxy || t.zookeeperProxy ? { proxies: [...(t.kafkaProxy ? [KAFKA_PROXY_LINK] : []), ...(t.zookeeperProxy ? [ZOOKEEPER_PROXY_LINK] : [])] } : {}),
});

/** What a schedule's environment offers a step: its topology, the job's sink and the JobManager's scheduler. */
export interface ScheduleEnvironment {
  topology: ScheduleTopology;
  exactlyOnceSink: boolean;
  /**
   * 'adaptive' (jobmanager.scheduler: adaptive): the job runs at as many
   * slots as there are, up to its parallelism, instead of waiting for all of
   * them, and rescales in place. Default 'default'.
   */
  scheduler?: 'default' | 'adaptive';
  /** The job checkpoints (default true; the negative control's does not): a lifecycle kill is judged by what it restores. */
  checkpointing?: boolean;
}

const isAdaptive = (m: ScheduleModel): boolean => m.environment.scheduler === 'adaptive';

export type TaskManagerState = 'running' | 'killed';

export interface ScheduleModel {
  /** Fixed for the schedule: the steps' preconditions read it. */
  environment: ScheduleEnvironment;
  slotsPerTaskManager: number;
  /** By position in the cluster's TaskManager list (scaling adds and removes at the end). */
  taskManagers: TaskManagerState[];
  job: {
    parallelism: number;
    /** Jobs submitted so far (the first submission, then one per resume). */
    submissions: number;
  };
  /** Savepoints taken by stop-with-savepoint, in order (locations as Flink reports them). */
  savepoints: string[];
  kafkaRestarts: number;
  /** Leader changes the JobManager faults forced (kill or pause of the leader). */
  leaderChanges: number;
  /** Faults of the topology run so far (JobManager, ZooKeeper, replicated Kafka, network). */
  infrastructureFaults: number;
  /** Windows of event time waited for by `wait-windows` steps. */
  windowsWaited: number;
  /** Steps run so far. */
  steps: number;
}

/** Bounds of generated values (the ranges). */
export const LIMITS = {
  maxTaskManagers: 3,
  maxParallelism: 4,
  pauseSeconds: { short: [1, 2] as const, long: [8, 10] as const },
  maxWaitWindows: 3,
  /** The output topic's partitions (containers/cluster.ts creates input and output with 2). */
  outputPartitions: 2,
} as const;

/**
 * How long a JobManager leader stays frozen: past ZooKeeper's 6 s session
 * timeout, so its leadership goes and the standby takes over. A short pause
 * (under the session and heartbeat timeouts) leaves no trace the harness can
 * read (no new leader, no restore): its run could only be inconclusive.
 */
export const JOBMANAGER_PAUSE_S = 15;

/** How long the leader stays cut from ZooKeeper: past its 6 s session, so its leadership goes and the standby's election completes. */
export const JOBMANAGER_ISOLATION_S = 15;

/** How long a broker stays paused: past KRaft's fencing of a silent broker (6 s here), so its leaderships move. */
export const BROKER_PAUSE_S = 15;

/** How long a broker stays cut from the others and from Flink once they fenced it. */
export const BROKER_ISOLATION_S = 10;

/** How long a TaskManager stays cut from the JobManager: twice the 5 s heartbeat timeout, so Flink declares it lost. */
export const JOBMANAGER_CUT_S = 10;

/** How long a TaskManager stays cut from Kafka: past the Kafka clients' 30 s request timeout, so they log losing the brokers. */
export const KAFKA_CUT_S = 35;

/** Flink's heartbeat timeout in the playground's configuration: a longer freeze declares the TaskManager lost. */
export const HEARTBEAT_TIMEOUT_S = 5;

export function initialModel(options: {
  taskManagers: number;
  slotsPerTaskManager: number;
  parallelism: number;
  /** Default: one JobManager, one broker, the at-least-once sink. */
  environment?: ScheduleEnvironment;
}): ScheduleModel {
  return {
    environment: options.environment ?? { topology: SINGLE_NODE_TOPOLOGY, exactlyOnceSink: false },
    slotsPerTaskManager: options.slotsPerTaskManager,
    taskManagers: Array.from({ length: options.taskManagers }, () => 'running' as const),
    job: { parallelism: options.parallelism, submissions: 1 },
    savepoints: [],
    kafkaRestarts: 0,
    leaderChanges: 0,
    infrastructureFaults: 0,
    windowsWaited: 0,
    steps: 0,
  };
}

export const runningTaskManagers = (m: ScheduleModel): number[] =>
  m.taskManagers.flatMap((s, i) => (s === 'running' ? [i] : []));

export const killedTaskManagers = (m: ScheduleModel): number[] =>
  m.taskManagers.flatMap((s, i) => (s === 'killed' ? [i] : []));

/** Slots the ResourceManager offers: running TaskManagers only. */
export const availableSlots = (m: ScheduleModel): number => runningTaskManagers(m).length * m.slotsPerTaskManager;

/**
 * What the model predicts for the job. Slot sharing puts one subtask of every
 * vertex in a slot, so a job of parallelism p needs p slots; with fewer it
 * cannot have all its tasks RUNNING (it waits for slots, restarting).
 */
export type JobExpectation = 'running' | 'starved';

/** Slots the job needs to run at all: all p of them, or under the adaptive scheduler one. */
export const slotsToRun = (m: ScheduleModel): number => (isAdaptive(m) ? 1 : m.job.parallelism);

export const jobExpectation = (m: ScheduleModel): JobExpectation => (availableSlots(m) >= slotsToRun(m) ? 'running' : 'starved');

/**
 * The parallelism the running job's vertices have: the model's (its upper
 * bound under the adaptive scheduler, which runs at fewer when slots are short).
 */
export const effectiveParallelism = (m: ScheduleModel): number => (isAdaptive(m) ? Math.min(m.job.parallelism, availableSlots(m)) : m.job.parallelism);

/** The TaskManager (position) a pick resolves to, or undefined when none is eligible. */
export function resolveTaskManager(m: ScheduleModel, action: TaskManagerAction): number | undefined {
  const eligible = action.kind === 'start-taskmanager' ? killedTaskManagers(m) : runningTaskManagers(m);
  return eligible.length === 0 ? undefined : eligible[action.pick % eligible.length];
}

/** What a step needs of the schedule's environment; nothing for the steps every topology has. */
export interface EnvironmentNeed {
  topology: TopologyNeed;
  exactlyOnceSink?: true;
  adaptiveScheduler?: true;
  checkpointing?: true;
}

const HA: TopologyNeed = { jobManagers: 2 };
const THREE_BROKERS: TopologyNeed = { brokers: 3 };

export function environmentNeed(kind: ActionKind): EnvironmentNeed {
  switch (kind) {
    case 'kill-jobmanager-leader':
    case 'pause-jobmanager-leader':
    case 'restart-zookeeper':
      return { topology: HA };
    case 'kill-partition-leader':
    case 'pause-partition-leader':
    case 'rolling-restart-kafka':
    case 'isolate-broker':
      return { topology: THREE_BROKERS };
    case 'kill-transaction-coordinator':
    case 'pause-transaction-coordinator':
      return { topology: THREE_BROKERS, exactlyOnceSink: true };
    case 'cut-taskmanager-from-kafka':
    case 'cut-taskmanager-from-jobmanager':
      return { topology: { partitionable: true } };
    case 'rescale-adaptive':
      return { topology: {}, adaptiveScheduler: true };
    case 'kill-taskmanager-during':
      return { topology: {}, checkpointing: true };
    case 'kafka-toxic':
      return { topology: { proxies: [KAFKA_PROXY_LINK] } };
    case 'isolate-jobmanager-leader':
      return { topology: { ...HA, proxies: [ZOOKEEPER_PROXY_LINK] } };
    default:
      return { topology: {} };
  }
}

/** What the environment lacks for a step of this kind, worded for an error; empty when it has all. */
export function environmentLacks(env: ScheduleEnvironment, kind: ActionKind): string[] {
  const need = environmentNeed(kind);
  const lacks = topologyLacks(topologyOf(clusterShape(env.topology)), need.topology);
  if (need.exactlyOnceSink && !env.exactlyOnceSink) lacks.push('the exactly-once sink (its transactions have a coordinator); this job writes at least once');
  if (need.checkpointing && env.checkpointing === false) lacks.push('a job that checkpoints (what a lifecycle kill restores); this one runs without --checkpointing');
  if (need.adaptiveScheduler && env.scheduler !== 'adaptive') lacks.push("the adaptive scheduler (a profile with jobmanager.scheduler: adaptive); this run's is the default one");
  // One broker restarted among three is the rolling restart's and the partition leader's ground; restart-kafka is the single broker's.
  if (kind === 'restart-kafka' && env.topology.brokers !== 1) lacks.push(`one broker; this run has ${env.topology.brokers} (their restarts are rolling-restart-kafka and kill-partition-leader)`);
  return lacks;
}

/** Whether a schedule in this environment can ever run a step of this kind (the arbitrary generates only those). */
export const environmentAllows = (env: ScheduleEnvironment, kind: ActionKind): boolean => environmentLacks(env, kind).length === 0;

/** Whether a step makes sense in this state (fast-check skips it otherwise). */
export function precondition(m: ScheduleModel, a: Action): boolean {
  if (!environmentAllows(m.environment, a.kind)) return false;
  switch (a.kind) {
    case 'kill-taskmanager':
    case 'pause-taskmanager':
    case 'start-taskmanager':
      return resolveTaskManager(m, a) !== undefined;
    case 'scale-taskmanagers':
      return a.count >= 1 && a.count <= LIMITS.maxTaskManagers && a.count !== m.taskManagers.length;
    case 'savepoint-resume':
      // A savepoint needs every task RUNNING.
      return a.parallelism >= 1 && a.parallelism <= LIMITS.maxParallelism && jobExpectation(m) === 'running';
    case 'restart-kafka':
      return true;
    case 'wait-windows':
      return a.windows >= 1 && a.windows <= LIMITS.maxWaitWindows;
    case 'kill-taskmanager-during':
      // Stopping, restoring and checkpointing need every task RUNNING.
      return resolveTaskManager(m, a) !== undefined && jobExpectation(m) === 'running';
    // Each fault of the topology is judged by what the running job shows of it (a restore,
    // its Kafka clients' errors, a checkpoint after): a job waiting for slots shows none.
    case 'kill-jobmanager-leader':
    case 'pause-jobmanager-leader':
    case 'restart-zookeeper':
    case 'kill-transaction-coordinator':
    case 'pause-transaction-coordinator':
    case 'rolling-restart-kafka':
    case 'cut-taskmanager-from-kafka':
    case 'cut-taskmanager-from-jobmanager':
    case 'isolate-broker':
    case 'kafka-toxic':
    case 'isolate-jobmanager-leader':
      return jobExpectation(m) === 'running';
    case 'kill-partition-leader':
    case 'pause-partition-leader':
      return a.partition >= 0 && a.partition < LIMITS.outputPartitions && jobExpectation(m) === 'running';
    case 'rescale-adaptive':
      return a.parallelism >= 1 && a.parallelism <= LIMITS.maxParallelism && a.parallelism !== m.job.parallelism && jobExpectation(m) === 'running';
  }
}

/**
 * What the model predicts after a fault of the topology, beside the cluster
 * matching the model (TaskManagers registered, job RUNNING at its parallelism):
 * - `leader`: ZooKeeper names a leader, another JobManager than before ('new') or any;
 * - `restoresCheckpoint`: the job, same id, restores a checkpoint no older than the last completed before the step;
 * - `brokersInSync`: every broker runs and is in the ISR of input and output again.
 * Undefined for the other steps.
 */
export interface InfrastructurePrediction {
  leader?: 'new' | 'any';
  restoresCheckpoint: boolean;
  brokersInSync: boolean;
}

export function predictInfrastructure(a: Action): InfrastructurePrediction | undefined {
  switch (a.kind) {
    case 'kill-jobmanager-leader':
    case 'pause-jobmanager-leader':
    case 'isolate-jobmanager-leader':
      return { leader: 'new', restoresCheckpoint: true, brokersInSync: false };
    case 'restart-zookeeper':
      // Leadership is revoked and granted again (to either JobManager): the job is recovered from its checkpoints.
      return { leader: 'any', restoresCheckpoint: true, brokersInSync: false };
    case 'kill-partition-leader':
    case 'pause-partition-leader':
    case 'kill-transaction-coordinator':
    case 'pause-transaction-coordinator':
    case 'rolling-restart-kafka':
    case 'isolate-broker':
      return { restoresCheckpoint: false, brokersInSync: true };
    case 'cut-taskmanager-from-kafka':
    case 'cut-taskmanager-from-jobmanager':
    case 'kafka-toxic':
      return { restoresCheckpoint: false, brokersInSync: false };
    default:
      return undefined;
  }
}

/** The model after a step (pure; `savepoint` is the location the real step took, if any). */
export function transition(m: ScheduleModel, a: Action, savepoint?: string): ScheduleModel {
  const next: ScheduleModel = { ...m, taskManagers: [...m.taskManagers], job: { ...m.job }, savepoints: [...m.savepoints], steps: m.steps + 1 };
  switch (a.kind) {
    case 'kill-taskmanager':
      next.taskManagers[resolveTaskManager(m, a)!] = 'killed';
      break;
    case 'start-taskmanager':
      next.taskManagers[resolveTaskManager(m, a)!] = 'running';
      break;
    case 'scale-taskmanagers':
      // The cluster removes the newest TaskManagers first, killed or not, and adds fresh ones.
      next.taskManagers = next.taskManagers.slice(0, a.count);
      while (next.taskManagers.length < a.count) next.taskManagers.push('running');
      break;
    case 'savepoint-resume':
      next.job = { parallelism: a.parallelism, submissions: m.job.submissions + 1 };
      next.savepoints.push(savepoint ?? `savepoint-${next.savepoints.length + 1}`);
      break;
    case 'pause-taskmanager':
      // Unpaused before the step ends: the TaskManager runs again (a long freeze re-registers it).
      break;
    case 'restart-kafka':
      next.kafkaRestarts++;
      break;
    case 'wait-windows':
      next.windowsWaited += a.windows;
      break;
    case 'kill-taskmanager-during':
      next.taskManagers[resolveTaskManager(m, a)!] = 'killed';
      // A restore follows a stop with savepoint; a stop that completed before the kill landed is resumed too.
      if (a.during === 'restore' || savepoint !== undefined) {
        next.job = { ...next.job, submissions: m.job.submissions + 1 };
        next.savepoints.push(savepoint ?? `savepoint-${next.savepoints.length + 1}`);
      }
      break;
    case 'kill-jobmanager-leader':
    case 'pause-jobmanager-leader':
    case 'isolate-jobmanager-leader':
      // The old leader comes back (started, unpaused, reconnected) as the standby within the step.
      next.leaderChanges++;
      next.infrastructureFaults++;
      break;
    case 'restart-zookeeper':
    case 'kill-partition-leader':
    case 'pause-partition-leader':
    case 'kill-transaction-coordinator':
    case 'pause-transaction-coordinator':
    case 'rolling-restart-kafka':
    case 'isolate-broker':
    case 'cut-taskmanager-from-kafka':
    case 'cut-taskmanager-from-jobmanager':
    case 'kafka-toxic':
      // Healed within the step (broker restarted, network reconnected): the same cluster after it.
      next.infrastructureFaults++;
      break;
    case 'rescale-adaptive':
      // The upper bound; the job runs at as many of them as there are slots.
      next.job = { ...next.job, parallelism: a.parallelism };
      break;
  }
  return next;
}

/**
 * Whether the step must make the running job restart (a failover): a
 * TaskManager that hosts some of its tasks is killed, frozen longer than the
 * heartbeat timeout, or stopped by scaling down. `hostsTasks` is what the REST
 * API said before the step about the TaskManager(s) the step acts on.
 */
export function predictsFailover(a: Action, hostsTasks: boolean): boolean {
  if (!hostsTasks) return false;
  switch (a.kind) {
    case 'kill-taskmanager':
    case 'scale-taskmanagers':
    case 'kill-taskmanager-during':
      return true;
    case 'pause-taskmanager':
      return a.seconds > HEARTBEAT_TIMEOUT_S;
    default:
      return false;
  }
}

/** What heals the cluster after a schedule: killed TaskManagers started, then enough of them for the job. */
export function healPlan(m: ScheduleModel): { start: number[]; scaleTo?: number } {
  const start = killedTaskManagers(m);
  const needed = Math.ceil(m.job.parallelism / m.slotsPerTaskManager);
  return needed > m.taskManagers.length ? { start, scaleTo: needed } : { start };
}

export function applyHeal(m: ScheduleModel): ScheduleModel {
  const plan = healPlan(m);
  const taskManagers = m.taskManagers.map(() => 'running' as const);
  while (plan.scaleTo !== undefined && taskManagers.length < plan.scaleTo) taskManagers.push('running');
  return { ...m, taskManagers };
}

/** A step as a person reads it in a schedule listing. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'kill-taskmanager':
      return `kill-taskmanager(pick ${a.pick}${a.timing === 'mid-window' ? ', mid-window' : ''})`;
    case 'start-taskmanager':
      return `start-taskmanager(pick ${a.pick})`;
    case 'scale-taskmanagers':
      return `scale-taskmanagers(${a.count})`;
    case 'savepoint-resume':
      return `savepoint-resume(${a.via}, p=${a.parallelism})`;
    case 'pause-taskmanager':
      return `pause-taskmanager(pick ${a.pick}, ${a.seconds} s${a.timing === 'mid-window' ? ', mid-window' : ''})`;
    case 'restart-kafka':
      return 'restart-kafka';
    case 'wait-windows':
      return `wait-windows(${a.windows})`;
    case 'kill-taskmanager-during':
      return `kill-taskmanager-during(${a.during}, pick ${a.pick})`;
    case 'kill-jobmanager-leader':
      return 'kill-jobmanager-leader';
    case 'pause-jobmanager-leader':
      return `pause-jobmanager-leader(${JOBMANAGER_PAUSE_S} s)`;
    case 'restart-zookeeper':
      return 'restart-zookeeper';
    case 'kill-partition-leader':
      return `kill-partition-leader(output-${a.partition})`;
    case 'kill-transaction-coordinator':
      return 'kill-transaction-coordinator';
    case 'rolling-restart-kafka':
      return 'rolling-restart-kafka';
    case 'cut-taskmanager-from-kafka':
      return `cut-taskmanager-from-kafka(pick ${a.pick}, ${KAFKA_CUT_S} s)`;
    case 'cut-taskmanager-from-jobmanager':
      return `cut-taskmanager-from-jobmanager(pick ${a.pick}, ${JOBMANAGER_CUT_S} s)`;
    case 'pause-partition-leader':
      return `pause-partition-leader(output-${a.partition}, ${BROKER_PAUSE_S} s)`;
    case 'pause-transaction-coordinator':
      return `pause-transaction-coordinator(${BROKER_PAUSE_S} s)`;
    case 'isolate-broker':
      return `isolate-broker(pick ${a.pick}, ${BROKER_ISOLATION_S} s)`;
    case 'rescale-adaptive':
      return `rescale-adaptive(p=${a.parallelism})`;
    case 'kafka-toxic':
      return `kafka-toxic(${describeToxic(a.toxic)}, ${KAFKA_TOXIC_S} s)`;
    case 'isolate-jobmanager-leader':
      return `isolate-jobmanager-leader(from ZooKeeper, ${JOBMANAGER_ISOLATION_S} s)`;
  }
}

/** A toxic's magnitude as a person reads it. */
export function describeToxic(kind: KafkaToxicKind): string {
  switch (kind) {
    case 'latency':
      return `latency ${KAFKA_TOXICS.latency.latencyMs} ms +- ${KAFKA_TOXICS.latency.jitterMs} ms`;
    case 'bandwidth':
      return `bandwidth ${KAFKA_TOXICS.bandwidth.kbPerSecond} KB/s`;
    case 'loss':
      return `loss: ${Math.round(KAFKA_TOXICS.loss.share * 100)}% of connections stall, closed after ${KAFKA_TOXICS.loss.timeoutMs / 1000} s`;
  }
}

/** The model in one line, for histories and failure messages. */
export function describeModel(m: ScheduleModel): string {
  const tms = m.taskManagers.map((s, i) => `tm${i + 1} ${s}`).join(', ') || 'no TaskManagers';
  const t = m.environment.topology;
  const single = t.jobManagers === 1 && t.brokers === 1 && !t.partitionable && !t.kafkaProxy && !t.zookeeperProxy;
  const infrastructure = single ? '' : `; leader changes ${m.leaderChanges}; topology faults ${m.infrastructureFaults}`;
  const p = isAdaptive(m) ? `p<=${m.job.parallelism} (adaptive: ${effectiveParallelism(m)})` : `p=${m.job.parallelism}`;
  return `${tms}; ${availableSlots(m)} slot(s); job ${p} ${jobExpectation(m)}; savepoints ${m.savepoints.length}; kafka restarts ${m.kafkaRestarts}${infrastructure}`;
}
