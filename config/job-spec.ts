/** The Click Event Count job's switches, as the playground's client passes them. */
export interface JobSpec {
  checkpointing: boolean;
  eventTime: boolean;
  backpressure?: boolean;
  exactlyOnce?: boolean;
  inputTopic?: string;
  outputTopic?: string;
  /** Bytes of keyed state per page the job keeps beside its counts (`--state-padding-bytes`); 0 or undefined: none. */
  statePaddingBytes?: number;
  /** The job's main class in the jar; undefined: the jar manifest's (Click Event Count). */
  entryClass?: string;
  /** The name the job runs under (undefined: Click Event Count's): how an unanswered REST submission finds its job. */
  jobName?: string;
  /**
   * A declared job's arguments, with placeholders ({bootstrapServers}, {inputTopic}, ...; see
   * ARG_PLACEHOLDERS), given instead of the switches above.
   */
  argsTemplate?: readonly string[];
  /** The transactional-id prefix of its exactly-once sink (the fence lists its open transactions). */
  transactionalIdPrefix?: string;
}

/** The Click Event Count's transactional-id prefix (job/ ClickEventCount.java), for a spec that names none. */
export const TRANSACTIONAL_ID_PREFIX = 'click-event-count';

/** The playground's job: checkpointing and event time on, at-least-once sink. */
export const PLAYGROUND_JOB: JobSpec = { checkpointing: true, eventTime: true };

/**
 * The harness's second built-in job (job/ EventDeduplication, same jar): per-event deduplication
 * with keyed state, one output record per distinct input event, exactly-once sink.
 */
export const DEDUP_JOB: JobSpec = {
  checkpointing: true,
  eventTime: false,
  exactlyOnce: true,
  entryClass: 'org.apache.flink.playgrounds.ops.dedup.EventDeduplication',
  jobName: 'Event Deduplication',
  transactionalIdPrefix: 'event-deduplication',
};

/** What a declared job's argument may name; the cluster fills each in at submission. */
export const ARG_PLACEHOLDERS = ['bootstrapServers', 'inputTopic', 'outputTopic', 'groupId', 'parallelism', 'checkpointInterval'] as const;
export type ArgPlaceholder = (typeof ARG_PLACEHOLDERS)[number];

/** Placeholder values of one submission. */
export type ArgValues = Record<ArgPlaceholder, string>;

/** `{name}` in each argument replaced by its value; an unknown name throws (the declaration's check names them first). */
export function resolveArgs(template: readonly string[], values: ArgValues): string[] {
  return template.map((a) =>
    a.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
      const v = (values as Record<string, string>)[name];
      if (v === undefined) throw new Error(`unknown placeholder {${name}} in argument '${a}' (known: ${ARG_PLACEHOLDERS.join(', ')})`);
      return v;
    }),
  );
}

/**
 * The job's arguments. A declared job's template is filled in from the spec's topics and `values`
 * (a reference run's own output topic and consumer group, the submission's parallelism).
 */
export function programArgs(spec: JobSpec, bootstrapServers = 'kafka:9092', values: Partial<ArgValues> = {}): string[] {
  if (spec.argsTemplate) {
    return resolveArgs(spec.argsTemplate, {
      bootstrapServers,
      inputTopic: spec.inputTopic ?? 'input',
      outputTopic: spec.outputTopic ?? 'output',
      groupId: 'harness-job',
      parallelism: '1',
      checkpointInterval: '1000',
      ...values,
    });
  }
  const args = ['--bootstrap.servers', bootstrapServers];
  if (spec.inputTopic) args.push('--input-topic', spec.inputTopic);
  if (spec.outputTopic) args.push('--output-topic', spec.outputTopic);
  if (spec.checkpointing) args.push('--checkpointing');
  if (spec.eventTime) args.push('--event-time');
  if (spec.backpressure) args.push('--backpressure');
  if (spec.exactlyOnce) args.push('--exactly-once');
  if (spec.statePaddingBytes) args.push('--state-padding-bytes', String(spec.statePaddingBytes));
  return args;
}

/** Vertex names of the job graph (the sink is a writer and a committer vertex: Sink V2). */
export const VERTEX = {
  source: 'ClickEvent Source',
  watermarks: 'Timestamps/Watermarks',
  counter: 'ClickEvent Counter',
  backpressure: 'Backpressure',
  sink: 'ClickEventStatistics Sink',
} as const;
