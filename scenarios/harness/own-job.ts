// The own-job scenarios' common parts: which job (HARNESS_JOB=<declaration>,
// else the built-in dedup job's jobs/dedup.yaml), its input, waiting for its
// output, its reference output, and its judgment: the differential oracle,
// the record-by-record id check where the declaration names an id, and the
// evidence rules every scenario goes through (fence, exactly-once end state,
// fault evidence).
import { withoutAbortedRecords } from '../../history/aborted-reads.js';
import { committedOutput } from './committed-output.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkRecordIds, recordIdReasons, type RecordIdVerdict } from '../../assertions/record-ids.js';
import { differential, differentialReasons, type DifferentialVerdict, type KeyedRecord } from '../../assertions/differential.js';
import { faultEvidence } from '../../assertions/fault-evidence.js';
import { fenceReasons } from '../../assertions/fence-evidence.js';
import { idOutput, keyedOutput, keyedValues } from '../../assertions/keyed-output.js';
import { decide, describeOutcome, type Reason, type ScenarioOutcome } from '../../assertions/outcome.js';
import { BUILTIN_JAR, jobSpecOf, loadJobDeclaration, type GeneratorSpec, type JobDeclaration } from '../../config/job-declaration.js';
import { REPO_ROOT } from '../../config/settings.js';
import type { ClusterImages } from '../../containers/images/index.js';
import type { JobSpec } from '../../config/job-spec.js';
import { OUTPUT_TOPIC_CONFIG } from '../../containers/kafka-broker.js';
import { waitFor } from '../../containers/wait.js';
import { stopWithSavepoint, submitJob } from '../../faults/job-operations.js';
import type { History, OutputRecord } from '../../history/types.js';
import { EventGenerator, eventTimeOf, parseDump, type EventGeneratorOptions } from '../../workload/event-generator.js';
import { fenceAndDrain } from './fence.js';
import { verifyRunProfile } from './profile-verification.js';
import { committedOffsets } from './fault-timing.js';
import { waitForJobState } from './job-lifecycle.js';
import type { Scenario } from './scenario.js';

/** The declaration the own-job scenarios run when HARNESS_JOB names none. */
export const DEFAULT_JOB_FILE = path.join(REPO_ROOT, 'jobs/dedup.yaml');

/** A dump is replayed in order at this rate, without copies (its own duplicates are part of it). */
const DUMP_REPLAY: GeneratorSpec = { keys: 1, rate: 2_000, eventTime: { pattern: 'wall-clock' }, template: { id: '{id}' } };

/** The dedup job's vertex that holds its keyed state (no window operator, so no late-drop metric to read). */
const STATE_VERTEX = 'Deduplicate By Id';

export interface OwnJob {
  declaration: JobDeclaration;
  spec: JobSpec;
}

export function ownJob(file = process.env.HARNESS_JOB || DEFAULT_JOB_FILE): OwnJob {
  const declaration = loadJobDeclaration(file);
  return { declaration, spec: jobSpecOf(declaration) };
}

/** The run's images with the declared jar in place of the harness's own (undefined: the built-in jar). */
export function imagesFor(job: OwnJob, images: ClusterImages, jar?: string): ClusterImages | undefined {
  if (jar) return { ...images, jobJar: jar };
  return job.declaration.jar === BUILTIN_JAR ? undefined : { ...images, jobJar: job.declaration.jar };
}

/** The scenario's input generator for the job (topic `input`, 2 partitions), its progress in the history. */
export function ownGenerator(s: Scenario, job: OwnJob, options: Partial<EventGeneratorOptions> = {}): EventGenerator {
  const d = job.declaration;
  const dump = d.dumpFile ? parseDump(readFileSync(d.dumpFile, 'utf8'), path.basename(d.dumpFile)) : undefined;
  const spec = d.input.generator ?? DUMP_REPLAY;
  let last = 0;
  return new EventGenerator(s.cluster.kafka.kafka, {
    topic: 'input',
    partitions: 2,
    spec,
    // A dump bounds the input: the generator writes min(events, its length).
    ...(dump ? { dump } : {}),
    ...options,
    onProgress: (distinct, sent) => {
      if (Date.now() - last < 1_000) return;
      last = Date.now();
      try {
        // Records sent (copies too) and the newest event time written.
        s.history.generator(sent, eventTimeOf(spec, distinct - 1, Date.now()));
      } catch {
        // history already judged
      }
    },
  });
}

/** The declared job's consumer group: its committed offsets tell how far it got. */
export const OWN_JOB_GROUP = 'harness-job';

export const submitOwnJob = (s: Scenario, job: OwnJob, options: { savepoint?: string; parallelism?: number } = {}) =>
  submitJob(s, job.spec, { ...options, via: 'cli', values: { groupId: OWN_JOB_GROUP } });

/** Distinct values of the id (or key) path among what the tap read so far. */
export function distinctOutput(job: OwnJob, records: readonly OutputRecord[]): number {
  const ids = new Set<string>();
  for (const r of idOutput(records, job.declaration.output.id ?? job.declaration.output.key)) if (r.id !== undefined) ids.add(r.id);
  return ids.size;
}

/**
 * Waits (bounded, never throws) until the output holds `n` distinct ids:
 * progress to wait for, never the verdict. False (and a note) when it does not come.
 */
export async function waitForDistinctOutput(s: Scenario, job: OwnJob, n: number, timeoutMs = 120_000): Promise<boolean> {
  try {
    await waitFor(
      `${n} distinct records in 'output'`,
      async (seen) => {
        const have = distinctOutput(job, s.tap.records);
        seen(`${have}/${n} distinct, ${s.tap.records.length} records read`);
        return have >= n ? true : undefined;
      },
      { timeoutMs, intervalMs: 500, diagnose: () => s.cluster.diagnose() },
    );
    return true;
  } catch (e) {
    s.history.note(`output did not reach ${n} distinct records: ${String((e as Error).message).split('\n')[0]}`);
    return false;
  }
}

/**
 * Fault-free reference runs on the same cluster and input, after the faulted
 * run was fenced: each its own output topic and consumer group, run until its
 * group committed the whole input (a completed checkpoint past the end), then
 * stopped with a savepoint (its last transaction committed) and read to its end.
 */
export async function referenceRuns(s: Scenario, job: OwnJob, runs: number, timeoutMs = 180_000): Promise<OutputRecord[][]> {
  const topics = Array.from({ length: runs }, (_, i) => `reference-${i + 1}`);
  await s.cluster.kafka.createTopics(topics, 2, Object.fromEntries(topics.map((t) => [t, OUTPUT_TOPIC_CONFIG])));
  const inputEnd = await s.cluster.kafka.endOffsets('input');
  const jobs = [];
  for (const [i, topic] of topics.entries()) {
    const groupId = `harness-reference-${i + 1}`;
    const { jobId } = await submitJob(s, { ...job.spec, outputTopic: topic }, { via: 'cli', values: { groupId } });
    jobs.push({ jobId, groupId, topic });
  }
  const outputs: OutputRecord[][] = [];
  for (const { jobId, groupId, topic } of jobs) {
    await waitFor(
      `reference job ${jobId} to commit the whole input (group ${groupId})`,
      async (seen) => {
        const done = await committedOffsets(s.cluster, groupId, 'input');
        seen([...inputEnd].map(([p, end]) => `p${p} ${done.get(p) ?? -1}/${end}`).join(', '));
        return [...inputEnd].every(([p, end]) => BigInt(done.get(p) ?? -1) >= end) ? true : undefined;
      },
      { timeoutMs, intervalMs: 1_000, diagnose: () => s.cluster.diagnose(jobId) },
    );
    await stopWithSavepoint(s, jobId, 'cli');
    await waitForJobState(s.cluster, jobId, 'FINISHED');
    const tap = await s.cluster.kafka.tap(topic, job.declaration.sink === 'exactly-once' ? 'read_committed' : 'read_uncommitted');
    try {
      await tap.drain(await s.cluster.kafka.endOffsets(topic), { timeoutMs: 60_000 });
      // Exactly-once: what Kafka's log shows committed, not what the reader let through (history/aborted-reads.ts).
      outputs.push(job.declaration.sink === 'exactly-once' ? withoutAbortedRecords(tap.records, await s.cluster.kafka.transactionLog(topic)).kept : [...tap.records]);
    } finally {
      await tap.stop();
    }
  }
  s.extra.referenceRuns = jobs.map((j, i) => ({ ...j, records: outputs[i]!.length }));
  return outputs;
}

export interface OwnJobJudgment {
  outcome: ScenarioOutcome;
  differential: DifferentialVerdict;
  recordIds?: RecordIdVerdict;
}

/**
 * Fences the job (stopped, output read to its end, the exactly-once end
 * state), then judges: the differential oracle against the reference, the id
 * check where the declaration names an id and the reference is the distinct
 * input, and the evidence rules. Written to s.extra.ownJob for the report.
 */
export async function judgeOwnJob(
  s: Scenario,
  job: OwnJob,
  generator: EventGenerator,
  references?: () => Promise<OutputRecord[][]>,
  /** 'fail': a calibration mutant, which the judgment must reject. */
  expect: 'pass' | 'fail' = 'pass',
): Promise<OwnJobJudgment> {
  const d = job.declaration;
  // A run under a profile reads it back while the jobs still run (a stopped job's checkpoints do not move on).
  if (s.profile) await verifyRunProfile(s);
  await fenceAndDrain(s, { sink: d.sink, tap: s.tap, transactionalIdPrefix: d.transactionalIdPrefix, counterVertex: STATE_VERTEX });
  const output = committedOutput(s.history, d.sink, s.tap.records);
  let refs: Iterable<KeyedRecord>[];
  let recordIds: RecordIdVerdict | undefined;
  if (d.reference === 'distinct-input') {
    refs = [[...keyedValues(generator.ledger.values.values(), d.output.key)]];
    if (d.output.id) recordIds = checkRecordIds(generator.ledger.values.keys(), idOutput(output, d.output.id), { sink: d.sink });
  } else {
    refs = (await (references ?? (() => referenceRuns(s, job, d.referenceRuns)))()).map((r) => [...keyedOutput(r, d.output.key)]);
  }
  const diff = differential(refs, keyedOutput(output, d.output.key), { sink: d.sink });
  const history: History = {
    scenario: s.name,
    flinkVersion: s.images.release.version,
    startedAt: s.history.events[0]?.t ?? Date.now(),
    endedAt: Date.now(),
    events: [...s.history.events],
    ledger: { windowMs: 15_000, pages: [], acknowledged: {}, total: 0, maxTimestampMs: -1, closedThroughMs: 0 },
    output,
  };
  const reasons: Reason[] = [
    ...(d.deterministic || d.reference === 'distinct-input' ? differentialReasons(diff) : notDeterministic()),
    ...(recordIds ? recordIdReasons(recordIds) : []),
    ...fenceReasons(history, d.sink),
    ...faultEvidence(history),
  ];
  const outcome = decide(reasons);
  // Part of the scenario's outcome (result.json, the report, JUnit, the gate), not only of this test's assertions.
  s.addOutcome({ outcome, expect, what: `own job ${d.name}` });
  s.extra.ownJob = {
    job: d.name,
    file: path.relative(REPO_ROOT, d.file),
    sink: d.sink,
    reference: d.reference,
    input: generator.ledger.snapshot(),
    outcome,
    differential: diff.counts,
    ...(recordIds ? { recordIds: recordIds.counts } : {}),
  };
  s.history.note(`own job ${d.name}: ${describeOutcome(outcome).split('\n').join('; ')}`);
  return { outcome, differential: diff, recordIds };
}

/** A job declared non-deterministic: the differential oracle cannot judge it. */
const notDeterministic = (): Reason[] => [
  { code: 'differential.nondeterministic-job', effect: 'inconclusive', message: 'the declaration says the job is not deterministic: its output is not judged against a reference' },
];
