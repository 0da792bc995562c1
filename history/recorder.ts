// Collects one scenario's timeline as it happens. Every appender stamps the
// event with the injected clock so tests can replay exact times.
import type { GeneratorLedger, History, HistoryEvent, OutputRecord } from './types.js';

type Phase = 'invoke' | 'ok' | 'fail';
type CheckpointEvent = Extract<HistoryEvent, { kind: 'checkpoint' }>;
type JobExceptionEvent = Extract<HistoryEvent, { kind: 'job-exception' }>;
type RestoreEvent = Extract<HistoryEvent, { kind: 'restore' }>;

export class HistoryRecorder {
  readonly startedAt: number;
  private readonly recorded: HistoryEvent[] = [];
  private finished?: History;

  constructor(
    readonly scenario: string,
    readonly flinkVersion: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAt = clock();
  }

  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  fault(name: string, target: string, phase: Phase, detail?: string, addresses?: readonly string[]): HistoryEvent {
    return this.append({
      t: this.clock(),
      kind: 'fault',
      name,
      target,
      phase,
      ...(detail === undefined ? {} : { detail }),
      ...(addresses === undefined ? {} : { addresses: [...addresses] }),
    });
  }

  operation(name: string, target: string, phase: Phase, detail?: string): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'operation', name, target, phase, ...(detail === undefined ? {} : { detail }) });
  }

  jobState(jobId: string, state: string, tasks: Readonly<Record<string, number>>): HistoryEvent {
    // Copy: pollers tend to reuse the object they parsed into.
    return this.append({ t: this.clock(), kind: 'job-state', jobId, state, tasks: { ...tasks } });
  }

  checkpoint(
    jobId: string,
    id: number,
    type: CheckpointEvent['type'],
    extra: { path?: string; sizeBytes?: number } = {},
  ): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'checkpoint', jobId, id, type, ...definedOnly(extra) });
  }

  generator(total: number, maxTimestampMs: number): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'generator', total, maxTimestampMs });
  }

  /** One entry of the job's exception history, as Flink recorded it (Flink's own timestamp inside). */
  jobException(e: Omit<JobExceptionEvent, 't' | 'kind'>): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'job-exception', ...definedOnly(e) } as JobExceptionEvent);
  }

  /** The job restored a checkpoint or savepoint (Flink's latest.restored changed). */
  restore(e: Omit<RestoreEvent, 't' | 'kind'>): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'restore', ...e });
  }

  /** A metric read from Flink or Kafka at a point of the run. */
  metric(jobId: string, vertex: string, name: string, value: number): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'metric', jobId, vertex, name, value });
  }

  /**
   * A log line that shows a fault reached a node. `at` is the line's own
   * time (the log's timestamp) when known: the evidence rules ask whether it
   * fell inside the fault, not when the harness got round to reading it.
   */
  logEvidence(node: string, what: string, line: string, at?: number): HistoryEvent {
    return this.append({ t: at ?? this.clock(), kind: 'log-evidence', node, what, line });
  }

  /** The outcome of a check the harness ran against the real system (the fence, the last stable offset, open transactions). */
  check(name: string, ok: boolean, detail: string, data?: Record<string, unknown>): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'check', name, ok, detail, ...(data === undefined ? {} : { data }) });
  }

  note(text: string): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'note', text });
  }

  /** Seals the timeline; later appends throw so a late poller cannot rewrite a judged history. */
  finish(ledger: GeneratorLedger, output: readonly OutputRecord[]): History {
    if (this.finished) throw new Error(`history of ${this.scenario} already finished`);
    this.finished = {
      scenario: this.scenario,
      flinkVersion: this.flinkVersion,
      startedAt: this.startedAt,
      endedAt: this.clock(),
      events: [...this.recorded],
      ledger,
      output: [...output],
    };
    return this.finished;
  }

  private append(event: HistoryEvent): HistoryEvent {
    if (this.finished) throw new Error(`history of ${this.scenario} already finished; cannot add ${event.kind}`);
    this.recorded.push(event);
    return event;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
