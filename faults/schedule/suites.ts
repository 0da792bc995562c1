// The property runs once per sink, plus a negative control: the same
// property against the job without checkpointing must find a counterexample.
import type { JobSpec } from '../../containers/job-spec.js';
import type { OraclePolicy } from '../../history/types.js';

export interface ScheduleSuite {
  /** Stable id: test names, scenario names, `npm run replay -- --suite <id>`. */
  id: 'at-least-once' | 'exactly-once' | 'control-no-checkpointing';
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
}

export const SCHEDULE_SUITES: readonly ScheduleSuite[] = [
  {
    id: 'at-least-once',
    short: 'alo',
    title: 'at-least-once sink (the playground job)',
    job: { checkpointing: true, eventTime: true },
    policy: { sink: 'at-least-once', time: 'event-time' },
    isolation: 'read_committed',
    seedOffset: 0,
    control: false,
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
  },
];

export const suiteById = (id: string): ScheduleSuite | undefined => SCHEDULE_SUITES.find((s) => s.id === id);

/** fast-check's seed for a suite: the run's seed plus the suite's offset (31 bits). */
export const suiteSeed = (runSeed: number, suite: ScheduleSuite): number => (runSeed + suite.seedOffset) % 2 ** 31;

/** The vitest test name of a suite (the replay selects it with -t). */
export const suiteTestName = (suite: ScheduleSuite): string => `fault schedules [${suite.id}]: ${suite.title}`;
