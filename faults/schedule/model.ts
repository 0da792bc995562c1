// The model of a fault schedule: what should be true of the cluster and the
// job after each step, beside the real system (fast-check model-based testing).
// Pure data and pure functions: preconditions, transitions and predictions are
// unit-tested without a cluster.

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
  | { kind: 'wait-windows'; windows: number };

export type ActionKind = Action['kind'];

export type TaskManagerState = 'running' | 'killed';

export interface ScheduleModel {
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
} as const;

/** Flink's heartbeat timeout in the playground's configuration: a longer freeze declares the TaskManager lost. */
export const HEARTBEAT_TIMEOUT_S = 5;

export function initialModel(options: { taskManagers: number; slotsPerTaskManager: number; parallelism: number }): ScheduleModel {
  return {
    slotsPerTaskManager: options.slotsPerTaskManager,
    taskManagers: Array.from({ length: options.taskManagers }, () => 'running' as const),
    job: { parallelism: options.parallelism, submissions: 1 },
    savepoints: [],
    kafkaRestarts: 0,
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

export const jobExpectation = (m: ScheduleModel): JobExpectation =>
  availableSlots(m) >= m.job.parallelism ? 'running' : 'starved';

/** The TaskManager (position) a pick resolves to, or undefined when none is eligible. */
export function resolveTaskManager(m: ScheduleModel, action: Extract<Action, { pick: number }>): number | undefined {
  const eligible = action.kind === 'start-taskmanager' ? killedTaskManagers(m) : runningTaskManagers(m);
  return eligible.length === 0 ? undefined : eligible[action.pick % eligible.length];
}

/** Whether a step makes sense in this state (fast-check skips it otherwise). */
export function precondition(m: ScheduleModel, a: Action): boolean {
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
  }
}

/** The model in one line, for histories and failure messages. */
export function describeModel(m: ScheduleModel): string {
  const tms = m.taskManagers.map((s, i) => `tm${i + 1} ${s}`).join(', ') || 'no TaskManagers';
  return `${tms}; ${availableSlots(m)} slot(s); job p=${m.job.parallelism} ${jobExpectation(m)}; savepoints ${m.savepoints.length}; kafka restarts ${m.kafkaRestarts}`;
}
