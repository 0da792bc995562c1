// The catalogue of mutants: deliberately broken builds of the job
// (job/src/mutants/, built with `mvn -Dmutant=<name>`), each with the
// scenarios designed to catch it and the oracle problem they should report.
// The calibration suite proves every one is caught; one nothing catches is a
// gap of the harness, reported, never hidden.

export const CALIBRATION_SCENARIOS = ['fault-free', 'taskmanager-kill', 'savepoint-resume', 'exactly-once-kill'] as const;
export type CalibrationScenario = (typeof CALIBRATION_SCENARIOS)[number];

export interface Mutant {
  /** As JobVariant.name() in the job and -Dmutant=<name> in Maven. */
  name: string;
  /** What is broken, in Flink's words. */
  description: string;
  /** The scenarios designed to catch it (the smoke tier runs only these). */
  catchers: readonly CalibrationScenario[];
  /** The oracle problems (reason codes) the catchers should report. */
  expectedCodes: readonly string[];
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'window-state-not-restored',
    description: 'The counter keeps its window counts on the heap, outside Flink state: a restore brings back the window timers but not the counts.',
    catchers: ['taskmanager-kill', 'savepoint-resume', 'exactly-once-kill'],
    expectedCodes: ['oracle.wrong-count', 'oracle.missing'],
  },
  {
    name: 'event-dropped-after-restore',
    description: 'A filter before the counter drops the first event each subtask sees after it restored state (CheckpointedFunction, isRestored()).',
    catchers: ['taskmanager-kill', 'savepoint-resume', 'exactly-once-kill'],
    expectedCodes: ['oracle.wrong-count'],
  },
  {
    name: 'window-emitted-twice',
    description: 'An early-firing trigger: each window x page fires at its first event (count 1) and again at its end (the full count).',
    catchers: ['fault-free'],
    expectedCodes: ['oracle.conflicting-duplicate', 'oracle.wrong-count'],
  },
  {
    name: 'watermark-ahead',
    description: 'Watermarks re-assigned after the source 1 s ahead of the newest event (an out-of-orderness bound of -1 s): every window closes early and drops its last second as late.',
    catchers: ['fault-free'],
    expectedCodes: ['oracle.wrong-count', 'oracle.late-records-dropped'],
  },
  {
    name: 'offsets-committed-ahead',
    description: 'The Kafka consumer auto-commits what it fetched every 100 ms, and restored partitions start from the committed offsets, not from the checkpoint.',
    catchers: ['taskmanager-kill', 'exactly-once-kill'],
    expectedCodes: ['oracle.wrong-count', 'oracle.missing'],
  },
  {
    name: 'alo-sink-claims-eo',
    description: '--exactly-once is accepted and ignored: the sink writes at-least-once, without transactions.',
    catchers: ['exactly-once-kill'],
    // The fence reads the output's record batches: none is transactional, whether or not the kill replayed output.
    expectedCodes: ['eos.not-transactional', 'oracle.identical-duplicate'],
  },
];

export function mutantNamed(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new Error(`no mutant '${name}' (have ${MUTANTS.map((x) => x.name).join(', ')})`);
  return m;
}

/** The cells a tier runs: nightly the whole matrix; smoke one mutant drawn from the seed, through its catchers. */
export function calibrationPlan(
  tier: 'smoke' | 'nightly',
  seed: number,
  mutants: readonly Mutant[] = MUTANTS,
): { mutant: Mutant; scenarios: CalibrationScenario[] }[] {
  if (tier === 'nightly') return mutants.map((mutant) => ({ mutant, scenarios: [...CALIBRATION_SCENARIOS] }));
  const mutant = mutants[Math.abs(Math.trunc(seed)) % mutants.length]!;
  return [{ mutant, scenarios: CALIBRATION_SCENARIOS.filter((s) => mutant.catchers.includes(s)) }];
}
