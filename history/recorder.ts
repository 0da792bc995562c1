// Collects one scenario's timeline as it happens. Every appender stamps the
// event with the injected clock so tests can replay exact times.
import type { GeneratorLedger, History, HistoryEvent, OutputRecord } from './types.js';

type Phase = 'invoke' | 'ok' | 'fail';
type CheckpointEvent = Extract<HistoryEvent, { kind: 'checkpoint' }>;

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

  fault(name: string, target: string, phase: Phase, detail?: string): HistoryEvent {
    return this.append({ t: this.clock(), kind: 'fault', name, target, phase, ...(detail === undefined ? {} : { detail }) });
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
