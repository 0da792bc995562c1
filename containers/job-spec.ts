/** The Click Event Count job's switches, as the playground's client passes them. */
export interface JobSpec {
  checkpointing: boolean;
  eventTime: boolean;
  backpressure?: boolean;
  exactlyOnce?: boolean;
  inputTopic?: string;
  outputTopic?: string;
}

/** The playground's job: checkpointing and event time on, at-least-once sink. */
export const PLAYGROUND_JOB: JobSpec = { checkpointing: true, eventTime: true };

export function programArgs(spec: JobSpec, bootstrapServers = 'kafka:9092'): string[] {
  const args = ['--bootstrap.servers', bootstrapServers];
  if (spec.inputTopic) args.push('--input-topic', spec.inputTopic);
  if (spec.outputTopic) args.push('--output-topic', spec.outputTopic);
  if (spec.checkpointing) args.push('--checkpointing');
  if (spec.eventTime) args.push('--event-time');
  if (spec.backpressure) args.push('--backpressure');
  if (spec.exactlyOnce) args.push('--exactly-once');
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
