import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isHarnessError } from '../../config/harness-error.js';
import { realEnvironment, requireEnvironment, ScheduleCommand } from './commands/schedule-command.js';
import { describeSchedule } from './describe-schedule.js';
import {
  clusterShape,
  describeModel,
  describeTopology,
  effectiveParallelism,
  environmentLacks,
  initialModel,
  jobExpectation,
  precondition,
  predictInfrastructure,
  transition,
  type Action,
  type ActionKind,
  type ScheduleEnvironment,
  type ScheduleModel,
  type ScheduleTopology,
} from './model.js';
import { parseReplayArgs, replayVitestArgs } from './replay-args.js';
import { actionArbitraries, allowedKinds, scheduleArbitrary, scheduleSteps, type Schedule } from './schedule-arbitrary.js';
import { declaredSuite, HA_REPLICATED_TOPOLOGY, PROXIED_TOPOLOGY, SCHEDULE_SUITES, suiteById, suiteEnvironment, suiteRunsIn } from './suites.js';
import { DEDUP_JOB } from '../../config/job-spec.js';
import { replayCommand } from './describe-schedule.js';

// The faults of a topology (HA, three brokers, a partitionable network, the
// exactly-once sink's coordinator) as schedule steps: preconditions on the
// schedule's environment, in the pure model, without containers.

const TODAY = ['kill-taskmanager', 'start-taskmanager', 'scale-taskmanagers', 'savepoint-resume', 'pause-taskmanager', 'restart-kafka', 'wait-windows', 'kill-taskmanager-during'];
const topologyArb: fc.Arbitrary<ScheduleTopology> = fc.record({
  jobManagers: fc.constantFrom(1 as const, 2 as const),
  brokers: fc.constantFrom(1 as const, 3 as const),
  partitionable: fc.boolean(),
  kafkaProxy: fc.boolean(),
  zookeeperProxy: fc.boolean(),
});
const environmentArb: fc.Arbitrary<ScheduleEnvironment> = fc.record({ topology: topologyArb, exactlyOnceSink: fc.boolean() });
const anyAction: fc.Arbitrary<Action> = fc.oneof(...(Object.values(actionArbitraries) as fc.Arbitrary<Action>[]));
const model = (environment: ScheduleEnvironment, parallelism = 1) => initialModel({ taskManagers: 1, slotsPerTaskManager: 2, parallelism, environment });
const HA_EO: ScheduleEnvironment = { topology: HA_REPLICATED_TOPOLOGY, exactlyOnceSink: true };
const actionsOf = (s: Schedule): Action[] => [...scheduleSteps(s)].map((c) => (c instanceof ScheduleCommand ? c.action : (c as unknown as { cmd: ScheduleCommand }).cmd.action));

/** Runs actions whose precondition holds, like fast-check's model runner; returns what ran and in which state. */
function play(m: ScheduleModel, actions: readonly Action[]): { m: ScheduleModel; ran: { a: Action; before: ScheduleModel }[] } {
  const ran: { a: Action; before: ScheduleModel }[] = [];
  for (const a of actions) {
    if (!precondition(m, a)) continue;
    ran.push({ a, before: m });
    m = transition(m, a, a.kind === 'savepoint-resume' ? `sp-${m.steps}` : undefined);
  }
  return { m, ran };
}

describe('steps of the topology: preconditions', () => {
  test.prop([environmentArb, fc.array(anyAction, { maxLength: 12 })])('no step runs that its environment lacks', (env, actions) => {
    for (const { a } of play(model(env), actions).ran) expect(environmentLacks(env, a.kind)).toEqual([]);
  });

  test.prop([environmentArb, fc.array(anyAction, { maxLength: 12 })])('every fault of the topology runs only on a running job', (env, actions) => {
    for (const { a, before } of play(model(env), actions).ran) {
      if (!TODAY.includes(a.kind)) expect(jobExpectation(before)).toBe('running');
    }
  });

  test('each new step names what it needs; restart-kafka is the single broker\'s', () => {
    const single: ScheduleEnvironment = { topology: { jobManagers: 1, brokers: 1, partitionable: false }, exactlyOnceSink: false };
    const needs: [ActionKind, RegExp][] = [
      ['kill-jobmanager-leader', /jobManagers: 2 \(HA\)/],
      ['pause-jobmanager-leader', /jobManagers: 2 \(HA\)/],
      ['restart-zookeeper', /jobManagers: 2 \(HA\)/],
      ['kill-partition-leader', /brokers: 3/],
      ['rolling-restart-kafka', /brokers: 3/],
      ['cut-taskmanager-from-kafka', /partitionable: true/],
    ];
    for (const [kind, why] of needs) expect(environmentLacks(single, kind).join('; ')).toMatch(why);
    const coordinator = environmentLacks({ ...single, topology: { ...single.topology, brokers: 3 } }, 'kill-transaction-coordinator');
    expect(coordinator.join('; ')).toMatch(/exactly-once sink/);
    expect(environmentLacks(HA_EO, 'restart-kafka').join('; ')).toMatch(/one broker; this run has 3/);
    expect(environmentLacks(HA_EO, 'kill-transaction-coordinator')).toEqual([]);
    for (const kind of TODAY.filter((k) => k !== 'restart-kafka') as ActionKind[]) expect(environmentLacks(single, kind)).toEqual([]);
  });

  test('a step run anyway in an environment that lacks it is a clear error', () => {
    let error: unknown;
    try {
      requireEnvironment({ kind: 'kill-jobmanager-leader' }, { topology: { jobManagers: 1, brokers: 1, partitionable: false }, exactlyOnceSink: false });
    } catch (e) {
      error = e;
    }
    expect(isHarnessError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/kill-jobmanager-leader needs jobManagers: 2 \(HA\); this run has 1 \(this run: 1 JobManager, 1 broker\(s\), at-least-once sink\)/);
    expect(() => requireEnvironment({ kind: 'kill-transaction-coordinator' }, HA_EO)).not.toThrow();
  });
});

describe('steps of the topology: the arbitrary', () => {
  test("today's suites draw from every topology's eight kinds of step, in their order", () => {
    for (const suite of SCHEDULE_SUITES.filter((s) => !s.nightlyOnly)) {
      expect(suite.topology).toEqual({ jobManagers: 1, brokers: 1, partitionable: false });
      // The control's job does not checkpoint: a lifecycle kill, judged by what it restores, is not its step.
      expect(allowedKinds(suiteEnvironment(suite))).toEqual(suite.control ? TODAY.filter((k) => k !== 'kill-taskmanager-during') : TODAY);
    }
  });

  test('seed 42 generates the schedules pinned when the lifecycle kills were added (a change of the arbitrary shows here)', () => {
    const pool = ['playground', 'rocksdb-incremental', 'unaligned', 'no-claim'];
    const got = fc.sample(scheduleArbitrary({ maxCommands: 3, profiles: pool }), { seed: 42, numRuns: 3 }).map((s) => ({ start: s.start, commands: actionsOf(s) }));
    const topology = { jobManagers: 1, brokers: 1, partitionable: false };
    expect(got).toEqual([
      { start: { parallelism: 2, via: 'rest', profile: 'unaligned', topology }, commands: [{ kind: 'restart-kafka' }, { kind: 'scale-taskmanagers', count: 1 }] },
      { start: { parallelism: 1, via: 'cli', profile: 'no-claim', topology }, commands: [{ kind: 'kill-taskmanager', pick: 2, timing: 'now' }] },
      { start: { parallelism: 1, via: 'cli', profile: 'unaligned', topology }, commands: [{ kind: 'savepoint-resume', via: 'rest', parallelism: 2 }] },
    ]);
  });

  test('the HA suites generate every fault of their topology, and none it lacks', () => {
    for (const suite of SCHEDULE_SUITES.filter((s) => s.nightlyOnly && s.topology.jobManagers === 2)) {
      const env = suiteEnvironment(suite);
      const kinds = new Set(fc.sample(scheduleArbitrary({ maxCommands: 8, environment: env }), { seed: 5, numRuns: 300 }).flatMap((s) => actionsOf(s).map((a) => a.kind)));
      expect([...kinds].sort()).toEqual(allowedKinds(env).sort());
      expect(kinds.has('restart-kafka')).toBe(false);
      expect(kinds.has('kill-transaction-coordinator')).toBe(env.exactlyOnceSink);
      expect(kinds.has('pause-transaction-coordinator')).toBe(env.exactlyOnceSink);
      for (const k of ['kill-jobmanager-leader', 'pause-jobmanager-leader', 'restart-zookeeper', 'kill-partition-leader', 'pause-partition-leader', 'isolate-broker', 'rolling-restart-kafka', 'cut-taskmanager-from-kafka', 'cut-taskmanager-from-jobmanager', 'isolate-jobmanager-leader']) {
        expect(kinds.has(k as ActionKind), k).toBe(true);
      }
    }
  });

  test('the topology is part of the start, printed, and kept by shrinking', () => {
    const env = suiteEnvironment(suiteById('ha-replicated-eo')!);
    const [s] = fc.sample(scheduleArbitrary({ maxCommands: 3, environment: env }), { seed: 9, numRuns: 1 });
    expect(s!.start.topology).toEqual(HA_REPLICATED_TOPOLOGY);
    expect(describeSchedule(s!)[0]).toMatch(/; 2 JobManagers \(ZooKeeper HA\), 3 broker\(s\), partitionable network, JobManagers' ZooKeeper links through a proxy$/);
    // A failure that needs a JobManager kill keeps it through shrinking, on the same topology.
    const r = fc.check(
      fc.property(scheduleArbitrary({ maxCommands: 6, environment: env }), (x) => !actionsOf(x).some((a) => a.kind === 'kill-jobmanager-leader')),
      { seed: 8, numRuns: 200 },
    );
    expect(r.failed).toBe(true);
    const shrunk = r.counterexample![0] as Schedule;
    expect(shrunk.start.topology).toEqual(HA_REPLICATED_TOPOLOGY);
    expect(r.numShrinks).toBeGreaterThan(0);
    expect(actionsOf(shrunk)).toContainEqual({ kind: 'kill-jobmanager-leader' });
  });
});

describe('steps of the topology: transitions and predictions', () => {
  test('a JobManager fault changes the leader, keeps the job (same submission) and its TaskManagers', () => {
    const m = model(HA_EO, 2);
    for (const kind of ['kill-jobmanager-leader', 'pause-jobmanager-leader'] as const) {
      const next = transition(m, { kind });
      expect(next.leaderChanges).toBe(1);
      expect(next.job).toEqual(m.job);
      expect(next.taskManagers).toEqual(m.taskManagers);
      expect(predictInfrastructure({ kind })).toEqual({ leader: 'new', restoresCheckpoint: true, brokersInSync: false });
    }
    const zk = transition(m, { kind: 'restart-zookeeper' });
    expect(zk.leaderChanges).toBe(0);
    expect(zk.infrastructureFaults).toBe(1);
    expect(predictInfrastructure({ kind: 'restart-zookeeper' })).toEqual({ leader: 'any', restoresCheckpoint: true, brokersInSync: false });
  });

  test('broker and network faults heal within their step: the same cluster and job after it', () => {
    const m = model(HA_EO, 1);
    const faults: Action[] = [
      { kind: 'kill-partition-leader', partition: 1 },
      { kind: 'pause-partition-leader', partition: 0 },
      { kind: 'kill-transaction-coordinator' },
      { kind: 'pause-transaction-coordinator' },
      { kind: 'rolling-restart-kafka' },
      { kind: 'isolate-broker', pick: 1 },
      { kind: 'cut-taskmanager-from-kafka', pick: 2 },
      { kind: 'cut-taskmanager-from-jobmanager', pick: 0 },
    ];
    for (const a of faults) {
      const next = transition(m, a);
      expect({ ...next, steps: m.steps, infrastructureFaults: m.infrastructureFaults }).toEqual(m);
      expect(predictInfrastructure(a)!.brokersInSync).toBe(!a.kind.startsWith('cut-taskmanager'));
    }
    expect(precondition(m, { kind: 'kill-partition-leader', partition: 2 })).toBe(false);
    expect(precondition(m, { kind: 'pause-partition-leader', partition: 2 })).toBe(false);
    expect(environmentLacks({ ...HA_EO, exactlyOnceSink: false }, 'pause-transaction-coordinator')).toEqual(['the exactly-once sink (its transactions have a coordinator); this job writes at least once']);
    for (const a of TODAY.map((kind) => ({ kind }) as Action)) expect(predictInfrastructure(a)).toBeUndefined();
  });

  test("today's model line is as before; an HA model's adds the leader changes", () => {
    const today = initialModel({ taskManagers: 1, slotsPerTaskManager: 2, parallelism: 1 });
    expect(describeModel(today)).toBe('tm1 running; 2 slot(s); job p=1 running; savepoints 0; kafka restarts 0');
    expect(describeModel(transition(model(HA_EO), { kind: 'kill-jobmanager-leader' }))).toMatch(/; leader changes 1; topology faults 1$/);
  });
});

describe('HA suites', () => {
  test('nightly only, both sinks, replayable by id', () => {
    const ha = SCHEDULE_SUITES.filter((s) => s.nightlyOnly && s.topology.jobManagers === 2);
    expect(ha.map((s) => s.id)).toEqual(['ha-replicated-alo', 'ha-replicated-eo']);
    expect(ha.map((s) => s.policy.sink)).toEqual(['at-least-once', 'exactly-once']);
    for (const s of ha) {
      expect(s.topology).toEqual(HA_REPLICATED_TOPOLOGY);
      expect(suiteRunsIn(s, 'smoke')).toBe(false);
      expect(suiteRunsIn(s, 'nightly')).toBe(true);
      const args = replayVitestArgs(parseReplayArgs(['--suite', s.id, '--seed', '7', '--path', '0']));
      expect(new RegExp(args.at(-1)!).test(`fault schedules [${s.id}]: ${s.title}`)).toBe(true);
    }
    // Each suite its own schedules.
    expect(new Set(SCHEDULE_SUITES.map((s) => s.seedOffset)).size).toBe(SCHEDULE_SUITES.length);
    for (const s of SCHEDULE_SUITES.filter((x) => !x.nightlyOnly)) expect(suiteRunsIn(s, 'smoke')).toBe(true);
  });
});

describe('the adaptive suite', () => {
  const suite = suiteById('adaptive-alo')!;
  const env = suiteEnvironment(suite);

  test('nightly only, its own seed; it alone generates rescale-adaptive, beside every single-node kind', () => {
    expect(suite.nightlyOnly).toBe(true);
    expect(env).toEqual({ topology: { jobManagers: 1, brokers: 1, partitionable: false }, exactlyOnceSink: false, scheduler: 'adaptive', checkpointing: true });
    expect(allowedKinds(env)).toEqual([...TODAY, 'rescale-adaptive']);
    for (const other of SCHEDULE_SUITES.filter((s) => s.id !== suite.id)) expect(allowedKinds(suiteEnvironment(other))).not.toContain('rescale-adaptive');
    const kinds = new Set(fc.sample(scheduleArbitrary({ maxCommands: 8, environment: env }), { seed: 5, numRuns: 200 }).flatMap((s) => actionsOf(s).map((a) => a.kind)));
    expect(kinds.has('rescale-adaptive')).toBe(true);
    expect(() => requireEnvironment({ kind: 'rescale-adaptive', parallelism: 2 }, suiteEnvironment(suiteById('at-least-once')!))).toThrow(/needs the adaptive scheduler/);
  });

  test.prop([fc.array(anyAction, { maxLength: 10 })])('under the adaptive scheduler the job runs whenever a slot is there, at min(its parallelism, the slots)', (actions) => {
    for (const { before: m } of play(model(env, 2), actions).ran) {
      const slots = m.taskManagers.filter((t) => t === 'running').length * m.slotsPerTaskManager;
      expect(jobExpectation(m)).toBe(slots >= 1 ? 'running' : 'starved');
      expect(effectiveParallelism(m)).toBe(Math.min(m.job.parallelism, slots));
    }
  });

  test('rescale-adaptive sets the upper bound and keeps the job; the default model never lowers the parallelism', () => {
    const m = model(env, 1);
    expect(precondition(m, { kind: 'rescale-adaptive', parallelism: 1 })).toBe(false);
    const up = transition(m, { kind: 'rescale-adaptive', parallelism: 4 });
    expect(up.job).toEqual({ parallelism: 4, submissions: 1 });
    expect(effectiveParallelism(up)).toBe(2);
    expect(describeModel(up)).toContain('job p<=4 (adaptive: 2) running');
    const plain = model({ ...env, scheduler: 'default' }, 2);
    expect(effectiveParallelism(transition(plain, { kind: 'kill-taskmanager', pick: 0, timing: 'now' }))).toBe(2);
  });
});

describe('Kafka toxics as steps (the proxied suite)', () => {
  test('kafka-toxic needs the taskmanager -> kafka proxy, and only that', () => {
    const single: ScheduleEnvironment = { topology: { jobManagers: 1, brokers: 1, partitionable: false }, exactlyOnceSink: true };
    expect(environmentLacks(single, 'kafka-toxic').join('; ')).toMatch(/a proxy taskmanager -> kafka; this run has none/);
    expect(environmentLacks(HA_EO, 'kafka-toxic').join('; ')).toMatch(/a proxy taskmanager -> kafka/);
    expect(environmentLacks({ topology: PROXIED_TOPOLOGY, exactlyOnceSink: false }, 'kafka-toxic')).toEqual([]);
  });

  test('the proxied topology is built with the proxy and read back as itself', () => {
    expect(clusterShape(PROXIED_TOPOLOGY)).toEqual({ jobManagers: 1, brokers: 1, proxies: [{ from: 'taskmanager', to: 'kafka' }] });
    expect(describeTopology(PROXIED_TOPOLOGY)).toBe('1 JobManager, 1 broker(s), Kafka through a proxy');
    // run-schedule compares the built cluster's shape with the schedule's by this description.
    const built = realEnvironment({ jobManagers: 1, taskManagers: 1, slotsPerTaskManager: 2, brokers: 1, proxies: [{ from: 'taskmanager', to: 'kafka' }] }, { checkpointing: true, eventTime: true, exactlyOnce: true });
    expect(describeTopology(built.topology)).toBe(describeTopology(PROXIED_TOPOLOGY));
    expect(describeTopology(realEnvironment({ jobManagers: 1, taskManagers: 1, slotsPerTaskManager: 2, brokers: 1 }, { checkpointing: true, eventTime: true }).topology)).toBe('1 JobManager, 1 broker(s)');
  });

  test('the proxied suite generates every toxic and the single broker\'s steps; no other suite generates a toxic', () => {
    for (const suite of SCHEDULE_SUITES) {
      const env = suiteEnvironment(suite);
      const samples = fc.sample(scheduleArbitrary({ maxCommands: 8, environment: env }), { seed: 11, numRuns: 200 });
      const toxics = new Set(samples.flatMap((s) => actionsOf(s).flatMap((a) => (a.kind === 'kafka-toxic' ? [a.toxic] : []))));
      if (suite.id === 'proxied-eo') {
        expect(suite.nightlyOnly).toBe(true);
        expect([...toxics].sort()).toEqual(['bandwidth', 'latency', 'loss']);
        expect(allowedKinds(env)).toEqual([...TODAY, 'kafka-toxic']);
      } else {
        expect(toxics.size, suite.id).toBe(0);
      }
    }
  });

  test('a toxic heals within its step: the same cluster after it, one topology fault counted, no failover predicted', () => {
    const m = model({ topology: PROXIED_TOPOLOGY, exactlyOnceSink: true });
    const a: Action = { kind: 'kafka-toxic', toxic: 'loss' };
    expect(precondition(m, a)).toBe(true);
    const next = transition(m, a);
    expect(next.taskManagers).toEqual(m.taskManagers);
    expect(next.job).toEqual(m.job);
    expect(next.infrastructureFaults).toBe(m.infrastructureFaults + 1);
    expect(predictInfrastructure(a)).toEqual({ restoresCheckpoint: false, brokersInSync: false });
    expect(describeModel(next)).toMatch(/topology faults 1$/);
    // Not on a job waiting for slots: it would show nothing of the toxic.
    expect(precondition(transition(m, { kind: 'kill-taskmanager', pick: 0, timing: 'now' }), a)).toBe(false);
  });
});

describe('the leader cut from ZooKeeper as a step (HA suites)', () => {
  test('isolate-jobmanager-leader needs HA and the JobManagers\' ZooKeeper proxy', () => {
    const haNoProxy: ScheduleEnvironment = { topology: { jobManagers: 2, brokers: 3, partitionable: true }, exactlyOnceSink: false };
    expect(environmentLacks(haNoProxy, 'isolate-jobmanager-leader').join('; ')).toMatch(/a proxy jobmanager -> zookeeper; this run has none/);
    expect(environmentLacks({ topology: PROXIED_TOPOLOGY, exactlyOnceSink: true }, 'isolate-jobmanager-leader').join('; ')).toMatch(/jobManagers: 2 \(HA\)/);
    expect(environmentLacks(HA_EO, 'isolate-jobmanager-leader')).toEqual([]);
    expect(clusterShape(HA_REPLICATED_TOPOLOGY).proxies).toEqual([{ from: 'jobmanager', to: 'zookeeper' }]);
  });

  test('it predicts a new leader and a restore, and counts a leader change', () => {
    const m = model(HA_EO);
    const a: Action = { kind: 'isolate-jobmanager-leader' };
    expect(precondition(m, a)).toBe(true);
    expect(predictInfrastructure(a)).toEqual({ leader: 'new', restoresCheckpoint: true, brokersInSync: false });
    const next = transition(m, a);
    expect([next.leaderChanges, next.infrastructureFaults]).toEqual([m.leaderChanges + 1, m.infrastructureFaults + 1]);
  });

  test('the HA topology is built with the ZooKeeper proxy and read back as itself', () => {
    const built = realEnvironment(
      { jobManagers: 2, taskManagers: 1, slotsPerTaskManager: 2, brokers: 3, partitionable: true, proxies: [{ from: 'jobmanager', to: 'zookeeper' }] },
      { checkpointing: true, eventTime: true },
    );
    expect(describeTopology(built.topology)).toBe(describeTopology(HA_REPLICATED_TOPOLOGY));
  });
});

describe('the own-job suites', () => {
  const own = suiteById('own-job')!;
  const control = suiteById('own-job-control')!;

  test('nightly, or in every tier when a declaration is given, and then only they run', () => {
    for (const s of [own, control]) {
      expect(s.declared).toBe(true);
      expect(suiteRunsIn(s, 'smoke')).toBe(false);
      expect(suiteRunsIn(s, 'nightly')).toBe(true);
      expect(suiteRunsIn(s, 'smoke', true)).toBe(true);
    }
    for (const s of SCHEDULE_SUITES.filter((x) => !x.declared)) {
      expect(suiteRunsIn(s, 'nightly', true), s.id).toBe(false);
      expect(suiteRunsIn(s, 'smoke', true), s.id).toBe(false);
    }
  });

  test("the declaration's sink sets the suite's policy and read isolation; the control keeps its mutant", () => {
    const alo = declaredSuite(own, { ...DEDUP_JOB, exactlyOnce: false });
    expect([alo.policy.sink, alo.isolation, suiteEnvironment(alo).exactlyOnceSink]).toEqual(['at-least-once', 'read_uncommitted', false]);
    const eo = declaredSuite(control, DEDUP_JOB);
    expect([eo.policy.sink, eo.isolation, eo.control, eo.mutant]).toEqual(['exactly-once', 'read_committed', true, 'dedup-state-not-restored']);
  });

  test('a replay names a given declaration', () => {
    expect(replayCommand({ suite: 'own-job', seed: 3, path: '0', job: 'jobs/team.yaml' })).toBe('HARNESS_JOB=jobs/team.yaml npm run replay -- --suite own-job --seed 3 --path 0');
  });
});
