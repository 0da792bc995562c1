// The history's events of one kind, typed: every evidence rule reads the history this way.
import type { HistoryEvent } from './types.js';

export type EventOf<K extends HistoryEvent['kind']> = Extract<HistoryEvent, { kind: K }>;

export function eventsOf<K extends HistoryEvent['kind']>(events: readonly HistoryEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind);
}
