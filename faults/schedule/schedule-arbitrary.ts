// Generated schedules: the job's start (parallelism, CLI or REST) and a list
// of steps (fast-check commands, whose preconditions the model checks). The
// negative control's schedules always begin with a kill of the TaskManager
// running the job while a window is half filled.
import fc from 'fast-check';
import { ScheduleCommand } from './commands/schedule-command.js';
import { environmentAllows, LIMITS, SINGLE_NODE_TOPOLOGY, type Action, type ActionKind, type KafkaToxicKind, type LifecycleMoment, type ScheduleEnvironment, type ScheduleModel, type ScheduleTopology, type Timing, type Via } from './model.js';
import type { ScheduleReal } from './real.js';

export type Step = fc.AsyncCommand<ScheduleModel, ScheduleReal>;

export interface ScheduleStart {
  /** Parallelism of the first submission (one TaskManager with two slots is there at the start). */
  parallelism: number;
  via: Via;
  /** The production profile the cluster runs (containers/profiles/profile.ts): part of the generated input, so seeded, replayed and shrunk. */
  profile: string;
  /** The cluster's shape: the suite's, a constant of the generated input (shrinking keeps it, replay gets it back). */
  topology: ScheduleTopology;
}

export interface Schedule {
  start: ScheduleStart;
  /** The generated steps (fast-check's commands value: replayable, shrinkable). */
  commands: Iterable<Step>;
  /** A step every schedule of this mix has, inserted before generated step `at` (or last). */
  forced?: { at: number; command: ScheduleCommand };
}

export const START_TASK_MANAGERS = 1;
export const SLOTS_PER_TASK_MANAGER = 2;

const pick = fc.nat(LIMITS.maxTaskManagers - 1);
const timing: fc.Arbitrary<Timing> = fc.constantFrom('now', 'mid-window');
const via: fc.Arbitrary<Via> = fc.constantFrom('cli', 'rest');
/** Shorter than the heartbeat timeout (no failover) or clearly longer (failover); nothing in between, where it is a race. */
const pauseSeconds = fc.constantFrom(...LIMITS.pauseSeconds.short, ...LIMITS.pauseSeconds.long);

/**
 * One arbitrary per kind of step (equal weights among those a schedule's
 * environment allows). The first eight are every topology's: the seven of the
 * first schedules, then the lifecycle kills (added 3 Dec 2026, which changed
 * every seed's schedule once; topology-steps.test.ts pins them again).
 */
export const actionArbitraries: { [K in ActionKind]: fc.Arbitrary<Extract<Action, { kind: K }>> } = {
  'kill-taskmanager': fc.record({ kind: fc.constant('kill-taskmanager' as const), pick, timing }),
  'start-taskmanager': fc.record({ kind: fc.constant('start-taskmanager' as const), pick }),
  'scale-taskmanagers': fc.record({ kind: fc.constant('scale-taskmanagers' as const), count: fc.integer({ min: 1, max: LIMITS.maxTaskManagers }) }),
  'savepoint-resume': fc.record({ kind: fc.constant('savepoint-resume' as const), via, parallelism: fc.integer({ min: 1, max: LIMITS.maxParallelism }) }),
  'pause-taskmanager': fc.record({ kind: fc.constant('pause-taskmanager' as const), pick, seconds: pauseSeconds, timing }),
  'restart-kafka': fc.constant({ kind: 'restart-kafka' as const }),
  'wait-windows': fc.record({ kind: fc.constant('wait-windows' as const), windows: fc.integer({ min: 1, max: LIMITS.maxWaitWindows }) }),
  'kill-taskmanager-during': fc.record({ kind: fc.constant('kill-taskmanager-during' as const), during: fc.constantFrom<LifecycleMoment>('stop', 'restore', 'checkpoint'), pick }),
  'kill-jobmanager-leader': fc.constant({ kind: 'kill-jobmanager-leader' as const }),
  'pause-jobmanager-leader': fc.constant({ kind: 'pause-jobmanager-leader' as const }),
  'restart-zookeeper': fc.constant({ kind: 'restart-zookeeper' as const }),
  'kill-partition-leader': fc.record({ kind: fc.constant('kill-partition-leader' as const), partition: fc.nat(LIMITS.outputPartitions - 1) }),
  'kill-transaction-coordinator': fc.constant({ kind: 'kill-transaction-coordinator' as const }),
  'rolling-restart-kafka': fc.constant({ kind: 'rolling-restart-kafka' as const }),
  'cut-taskmanager-from-kafka': fc.record({ kind: fc.constant('cut-taskmanager-from-kafka' as const), pick }),
  // Added after the first HA runs (3 Dec 2026): the HA suites' schedules changed with them, no other suite's.
  'pause-partition-leader': fc.record({ kind: fc.constant('pause-partition-leader' as const), partition: fc.nat(LIMITS.outputPartitions - 1) }),
  'pause-transaction-coordinator': fc.constant({ kind: 'pause-transaction-coordinator' as const }),
  'isolate-broker': fc.record({ kind: fc.constant('isolate-broker' as const), pick: fc.nat(2) }),
  'cut-taskmanager-from-jobmanager': fc.record({ kind: fc.constant('cut-taskmanager-from-jobmanager' as const), pick }),
  // Last: only the adaptive suite allows it, so the other suites' schedules are unchanged by it.
  'rescale-adaptive': fc.record({ kind: fc.constant('rescale-adaptive' as const), parallelism: fc.integer({ min: 1, max: LIMITS.maxParallelism }) }),
  // After it: only a topology with the Kafka proxy allows it (the proxied suite, 4 Dec 2026), no other suite's schedules changed.
  'kafka-toxic': fc.record({ kind: fc.constant('kafka-toxic' as const), toxic: fc.constantFrom<KafkaToxicKind>('latency', 'bandwidth', 'loss') }),
  // Added with the HA topology's ZooKeeper proxy (4 Dec 2026): the HA suites' schedules changed with it, no other suite's.
  'isolate-jobmanager-leader': fc.constant({ kind: 'isolate-jobmanager-leader' as const }),
};

export const DEFAULT_ENVIRONMENT: ScheduleEnvironment = { topology: SINGLE_NODE_TOPOLOGY, exactlyOnceSink: false };

/** The kinds of step a schedule in this environment can run, in actionArbitraries' order. */
export const allowedKinds = (env: ScheduleEnvironment): ActionKind[] =>
  (Object.keys(actionArbitraries) as ActionKind[]).filter((k) => environmentAllows(env, k));

/** The steps fast-check draws from: only those the environment allows, so none is generated that its topology lacks. */
export const commandArbitraries = (env: ScheduleEnvironment = DEFAULT_ENVIRONMENT): fc.Arbitrary<ScheduleCommand>[] =>
  allowedKinds(env).map((k) => (actionArbitraries[k] as fc.Arbitrary<Action>).map((a) => new ScheduleCommand(a)));

export interface ScheduleArbitraryOptions {
  maxCommands: number;
  /** Generated steps at least (default 1: a schedule without steps is only the heal phase). */
  minCommands?: number;
  /** fast-check's replayPath of the commands, to replay a shrunk schedule. */
  replayPath?: string;
  /** Negative control: every schedule first kills the (only) TaskManager once a window is half filled. */
  forceKill?: boolean;
  /** Profiles to draw from; shrinking goes towards the first (default: the playground's only). */
  profiles?: readonly string[];
  /** The suite's topology and sink (default: one JobManager, one broker, at least once). */
  environment?: ScheduleEnvironment;
}

export function scheduleArbitrary(o: ScheduleArbitraryOptions): fc.Arbitrary<Schedule> {
  const min = Math.min(o.minCommands ?? 1, o.maxCommands);
  const environment = o.environment ?? DEFAULT_ENVIRONMENT;
  const commands = fc
    .commands(commandArbitraries(environment), { maxCommands: o.maxCommands, ...(o.replayPath ? { replayPath: o.replayPath } : {}) })
    .filter((c) => [...c].length >= min);
  const profiles = o.profiles?.length ? o.profiles : ['playground'];
  const start = fc.record(
    {
      parallelism: fc.integer({ min: 1, max: START_TASK_MANAGERS * SLOTS_PER_TASK_MANAGER }),
      via,
      profile: fc.constantFrom(...profiles),
      topology: fc.constant(environment.topology),
    },
    { noNullPrototype: true },
  );
  if (!o.forceKill) return fc.record({ start, commands }, { noNullPrototype: true });
  // First, while the only TaskManager runs every task of the job: the kill is sure to fail the job over
  // (a kill after scaling out may hit a TaskManager without tasks and change nothing).
  const forced = fc.record(
    { at: fc.constant(0), command: pick.map((p) => new ScheduleCommand({ kind: 'kill-taskmanager', pick: p, timing: 'mid-window' })) },
    { noNullPrototype: true },
  );
  return fc.record({ start, commands, forced }, { noNullPrototype: true });
}

/** The steps in the order they run: the generated ones with the forced one inserted. */
export function* scheduleSteps(s: Schedule): Generator<Step> {
  let i = 0;
  for (const c of s.commands) {
    if (s.forced && i === s.forced.at) yield s.forced.command;
    yield c;
    i++;
  }
  if (s.forced && s.forced.at >= i) yield s.forced.command;
}
