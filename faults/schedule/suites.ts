// The property runs once per sink, plus a negative control: the same
// property against the job without checkpointing must find a counterexample.
// The HA suites run it again, nightly, on two JobManagers (ZooKeeper), three
// brokers and a partitionable network, where the faults of that topology join
// the mix. The own-job suite runs a declared job (HARNESS_JOB, by default the
// built-in dedup job) under the single-node steps, judged by the differential
// oracle.
import { DEDUP_JOB, type JobSpec } from '../../config/job-spec.js';
import type { OraclePolicy } from '../../history/types.js';
import { SINGLE_NODE_TOPOLOGY, type ScheduleEnvironment, type ScheduleTopology } from './model.js';

export interface ScheduleSuite {
  /** Stable id: test names, scenario names, `npm run replay -- --suite <id>`. */
  id: 'at-least-once' | 'exactly-once' | 'control-no-checkpointing' | 'ha-replicated-alo' | 'ha-replicated-eo' | 'adaptive-alo' | 'proxied-eo' | 'own-job' | 'own-job-control';
  /** Short form for scenario (container) names. */
  short: string;
  title: string;
  job: JobSpec;
  policy: OraclePolicy;
  isolation: 'read_committed' | 'read_uncommitted';
  /** Added to the run's seed so each suite gets its own schedules. */
  seedOffset: number;
  /** Negative control: must fail (missing or wrong counts) within its runs. */
  control: boolean;
  /** The cluster's shape every schedule of the suite runs on. */
  topology: ScheduleTopology;
  /** Run only in the nightly tier (and by `npm run replay`), never in smoke. */
  nightlyOnly: boolean;
  /** The JobManager's scheduler its profiles run (default: the default scheduler). */
  scheduler?: 'default' | 'adaptive';
  /**
   * Runs the declared job (HARNESS_JOB, else jobs/dedup.yaml) instead of
   * Click Event Count: `job`, `policy` and `isolation` are the built-in dedup
   * job's until the declaration is read (declaredSuite), and the verdict is
   * the differential oracle's, not the window oracle's.
   */
  declared?: boolean;
  /** A control's broken build of the job (job/src/mutants/), where its job is built in (the dedup mutant). */
  mutant?: string;
}

/** HA with ZooKeeper (each JobManager's link through a proxy), a KRaft quorum of 3, Kafka on a network of its own. */
export const HA_REPLICATED_TOPOLOGY: ScheduleTopology = { jobManagers: 2, brokers: 3, partitionable: true, zookeeperProxy: true };

const SINGLE_NODE_SUITES: readonly ScheduleSuite[] = [
  {
    id: 'at-least-once',
    short: 'alo',
    title: 'at-least-once sink (the playground job)',
    job: { checkpointing: true, eventTime: true },
    policy: { sink: 'at-least-once', time: 'event-time' },
    isolation: 'read_committed',
    seedOffset: 0,
    control: false,
    topology: SINGLE_NODE_TOPOLOGY,
    nightlyOnly: false,
  },
  {
    id: 'exactly-once',
    short: 'eo',
    title: 'exactly-once sink (--exactly-once, read_committed)',
    job: { checkpointing: true, eventTime: true, exactlyOnce: true },
    policy: { sink: 'exactly-once', time: 'event-time' },
    isolation: 'read_committed',
    seedOffset: 1,
    control: false,
    topology: SINGLE_NODE_TOPOLOGY,
    nightlyOnly: false,
  },
  {
    id: 'control-no-checkpointing',
    short: 'ctl',
    title: 'negative control: the job without --checkpointing',
    job: { checkpointing: false, eventTime: true },
    policy: { sink: 'at-least-once', time: 'event-time' },
    isolation: 'read_committed',
    seedOffset: 2,
    control: true,
    topology: SINGLE_NODE_TOPOLOGY,
    nightlyOnly: false,
  },
];

/** A nightly-only variant of a smoke suite: its own id, names and seed offset, and what else differs. */
type Variant = Pick<ScheduleSuite, 'id' | 'short' | 'title' | 'seedOffset'> & Partial<Pick<ScheduleSuite, 'topology' | 'scheduler'>>;
const nightlyVariant = (base: ScheduleSuite, variant: Variant): ScheduleSuite => ({ ...base, ...variant, nightlyOnly: true });

/** The same job and sink on the HA, replicated topology. */
const onHaReplicated = (base: ScheduleSuite, id: ScheduleSuite['id'], seedOffset: number): ScheduleSuite =>
  nightlyVariant(base, { id, short: `ha-${base.short}`, title: `${base.policy.sink} sink on 2 JobManagers (HA), 3 brokers, a partitionable network`, seedOffset, topology: HA_REPLICATED_TOPOLOGY });

/**
 * The playground job under the adaptive scheduler: the job runs at the slots
 * there are, and rescale-adaptive (resource requirements, no savepoint) joins
 * the mix.
 */
const ADAPTIVE_ALO = nightlyVariant(SINGLE_NODE_SUITES[0]!, {
  id: 'adaptive-alo', short: 'ad-alo', title: 'at-least-once sink under the adaptive scheduler (rescale in place)', seedOffset: 5, scheduler: 'adaptive',
});

/** One JobManager and broker, Flink's Kafka traffic through toxiproxy: latency, bandwidth limits and lossy links join the mix. */
export const PROXIED_TOPOLOGY: ScheduleTopology = { ...SINGLE_NODE_TOPOLOGY, kafkaProxy: true };

/**
 * The exactly-once sink over a slow, throttled or lossy Kafka link (its
 * transactions must commit through them), beside every step one broker allows.
 */
const PROXIED_EO = nightlyVariant(SINGLE_NODE_SUITES[1]!, {
  id: 'proxied-eo', short: 'px-eo', title: 'exactly-once sink with Flink-Kafka links through a proxy (latency, bandwidth, loss)', seedOffset: 6, topology: PROXIED_TOPOLOGY,
});

/** A team's own job on one JobManager and broker: nightly, or whenever a declaration is given (`npm start -- --job`). */
const OWN_JOB: ScheduleSuite = {
  id: 'own-job',
  short: 'own',
  title: 'the declared job (HARNESS_JOB, default jobs/dedup.yaml) under the differential oracle',
  job: DEDUP_JOB,
  policy: { sink: 'exactly-once', time: 'processing-time' },
  isolation: 'read_committed',
  seedOffset: 7,
  control: false,
  topology: SINGLE_NODE_TOPOLOGY,
  nightlyOnly: true,
  declared: true,
};

/**
 * The own-job suite's negative control: the dedup job whose seen ids live on
 * the heap, not in Flink state, under schedules that begin with a kill while
 * input flows. The differential oracle must find its duplicates. Runs only on
 * the built-in dedup job (the mutant is a build of the harness's own jar).
 */
const OWN_JOB_CONTROL: ScheduleSuite = {
  ...OWN_JOB,
  id: 'own-job-control',
  short: 'own-ctl',
  title: 'negative control: the dedup job whose seen ids are not Flink state (mutant dedup-state-not-restored)',
  seedOffset: 8,
  control: true,
  mutant: 'dedup-state-not-restored',
};

export const SCHEDULE_SUITES: readonly ScheduleSuite[] = [
  ...SINGLE_NODE_SUITES,
  onHaReplicated(SINGLE_NODE_SUITES[0]!, 'ha-replicated-alo', 3),
  onHaReplicated(SINGLE_NODE_SUITES[1]!, 'ha-replicated-eo', 4),
  ADAPTIVE_ALO,
  PROXIED_EO,
  OWN_JOB,
  OWN_JOB_CONTROL,
];

/** The own-job suite for the declaration read: its job's switches, sink and read isolation. */
export const declaredSuite = (suite: ScheduleSuite, job: JobSpec): ScheduleSuite => {
  const sink = job.exactlyOnce ? 'exactly-once' : 'at-least-once';
  return { ...suite, job, policy: { ...suite.policy, sink }, isolation: sink === 'exactly-once' ? 'read_committed' : 'read_uncommitted' };
};

/** What the suite's steps may need: its topology, whether its job writes exactly once, its scheduler. */
export const suiteEnvironment = (suite: ScheduleSuite): ScheduleEnvironment => ({
  topology: suite.topology,
  exactlyOnceSink: suite.job.exactlyOnce === true,
  scheduler: suite.scheduler ?? 'default',
  checkpointing: suite.job.checkpointing !== false,
});

/**
 * Whether the suite runs in this tier (a replay of it runs in any). A given
 * declaration (HARNESS_JOB) runs the own-job suite in every tier, and only it:
 * the team asked about its job.
 */
export const suiteRunsIn = (suite: ScheduleSuite, tier: 'smoke' | 'nightly', declaredJob = false): boolean =>
  declaredJob ? suite.declared === true : !suite.nightlyOnly || tier === 'nightly';

export const suiteById = (id: string): ScheduleSuite | undefined => SCHEDULE_SUITES.find((s) => s.id === id);

/** fast-check's seed for a suite: the run's seed plus the suite's offset (31 bits). */
export const suiteSeed = (runSeed: number, suite: ScheduleSuite): number => (runSeed + suite.seedOffset) % 2 ** 31;

/** The vitest test name of a suite (the replay selects it with -t). */
export const suiteTestName = (suite: ScheduleSuite): string => `fault schedules [${suite.id}]: ${suite.title}`;
