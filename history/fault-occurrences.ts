// A fault as one occurrence: the 'invoke' and the 'ok' or 'fail' that closes
// it, paired by name and target, so figures can refer to "the kill at +7 s".
import type { HistoryEvent } from './types.js';

export interface FaultOccurrence {
  /** Position among the history's faults, from 0. */
  index: number;
  name: string;
  target: string;
  invokedAt: number;
  okAt?: number;
  failedAt?: number;
  detail?: string;
}

export function faultOccurrences(events: readonly HistoryEvent[]): FaultOccurrence[] {
  const occurrences: FaultOccurrence[] = [];
  for (const e of byTime(events)) {
    if (e.kind !== 'fault') continue;
    const open = lastOpen(occurrences, e.name, e.target);
    if (e.phase === 'invoke' || !open) {
      // A completion without its invoke still marks a fault: treat it as instantaneous.
      const o: FaultOccurrence = { index: occurrences.length, name: e.name, target: e.target, invokedAt: e.t };
      if (e.detail !== undefined) o.detail = e.detail;
      occurrences.push(o);
      if (e.phase !== 'invoke') close(o, e.phase, e.t, e.detail);
    } else {
      close(open, e.phase, e.t, e.detail);
    }
  }
  return occurrences;
}

/** Events in time order; ties keep their recorded order. */
export function byTime<E extends { t: number }>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => a.t - b.t);
}

export function faultLabel(f: FaultOccurrence): string {
  return `${f.name} ${f.target}`;
}

function close(o: FaultOccurrence, phase: 'ok' | 'fail', t: number, detail?: string): void {
  if (phase === 'ok') o.okAt = t;
  else o.failedAt = t;
  if (detail !== undefined) o.detail = detail;
}

function lastOpen(occurrences: readonly FaultOccurrence[], name: string, target: string): FaultOccurrence | undefined {
  for (let i = occurrences.length - 1; i >= 0; i--) {
    const o = occurrences[i];
    if (o.name === name && o.target === target && o.okAt === undefined && o.failedAt === undefined) return o;
  }
  return undefined;
}
