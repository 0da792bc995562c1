// Copies of one (window, page). Identical copies are what at-least-once
// replay produces after a restore; different counts mean at least one is wrong.
//
// A replay needs a cause: under at-least-once, each copy after the first is
// tolerated only when a disturbance of the run (assertions/disturbances.ts)
// lies between its write and the previous copy's write. Copies are ordered by
// write time (the broker's append time, else the arrival at the reader).
import type { SinkSemantics } from '../history/types.js';
import { ARRIVAL_LAG_MS, DISTURBANCE_SLACK_MS, describeDisturbance, disturbancesBetween, type Disturbance } from './disturbances.js';
import { countedLocationOf, distinctCounts, locationOf, type Copy, type KeyCopies } from './output-copies.js';
import type { Problem, TimedLocation } from './verdict.js';

/** What the oracle knows of the run's disturbances when it judges copies. */
export interface Replays {
  /** null: judged without a history; tolerances are granted as before, and the verdict says it could not check them. */
  disturbances: readonly Disturbance[] | null;
  slackMs: number;
  arrivalLagMs: number;
}

export const UNKNOWN_REPLAYS: Replays = { disturbances: null, slackMs: DISTURBANCE_SLACK_MS, arrivalLagMs: ARRIVAL_LAG_MS };

export function identicalDuplicate(key: KeyCopies, sink: SinkSemantics, replays: Replays = UNKNOWN_REPLAYS): Problem | undefined {
  if (key.copies.length < 2 || distinctCounts(key.copies).length !== 1) return undefined;
  const base = { windowStart: key.windowStart, page: key.page, count: key.copies[0].count, copies: key.copies.length };
  const locations = key.copies.map(locationOf);
  if (sink === 'exactly-once') return { kind: 'identical-duplicate', severity: 'failure', ...base, locations };
  if (replays.disturbances === null) return { kind: 'identical-duplicate', severity: 'tolerated', ...base, locations };
  const { unattributed, attributedTo } = attribute(key.copies, replays);
  if (unattributed.length === 0) return { kind: 'identical-duplicate', severity: 'tolerated', ...base, locations, attributedTo };
  return { kind: 'duplicate-without-fault', severity: 'failure', ...base, locations: byWrite(key.copies).map(timed), unattributed };
}

export function conflictingDuplicate(
  key: KeyCopies,
  expected: number | null,
  severity: 'failure' | 'tolerated',
  reason?: string,
): Problem | undefined {
  const counts = distinctCounts(key.copies);
  if (counts.length < 2) return undefined;
  return {
    kind: 'conflicting-duplicate',
    severity,
    windowStart: key.windowStart,
    page: key.page,
    expected,
    counts,
    locations: key.copies.map(countedLocationOf),
    ...(reason === undefined ? {} : { reason }),
  };
}

export interface Attribution {
  /** Consecutive copies (by write time) with no disturbance between them. */
  unattributed: { first: TimedLocation; second: TimedLocation }[];
  /** The disturbances that explain the other pairs, described once each (the first three, then how many more). */
  attributedTo: string[];
}

export function attribute(copies: readonly Copy[], replays: Replays): Attribution {
  const ordered = byWrite(copies);
  const unattributed: Attribution['unattributed'] = [];
  const attributedTo = new Set<string>();
  for (let i = 1; i < ordered.length; i++) {
    const [a, b] = [ordered[i - 1], ordered[i]];
    const lag = a.clock === 'arrival' ? replays.arrivalLagMs : 0;
    const between = disturbancesBetween(replays.disturbances ?? [], { writtenMs: a.writtenMs, lagMs: lag }, b, replays.slackMs);
    if (between.length === 0) unattributed.push({ first: timed(a), second: timed(b) });
    for (const d of between) attributedTo.add(describeDisturbance(d));
  }
  // A broker outage can bring dozens of exception entries: the first few name the cause.
  const all = [...attributedTo];
  const shown = all.length > MAX_ATTRIBUTED ? [...all.slice(0, MAX_ATTRIBUTED), `... and ${all.length - MAX_ATTRIBUTED} more`] : all;
  return { unattributed, attributedTo: shown };
}

const MAX_ATTRIBUTED = 3;

function byWrite(copies: readonly Copy[]): Copy[] {
  return copies
    .map((c, i) => ({ c, i }))
    .sort((x, y) => x.c.writtenMs - y.c.writtenMs || x.i - y.i)
    .map(({ c }) => c);
}

function timed(c: Copy): TimedLocation {
  return { partition: c.partition, offset: c.offset, writtenMs: c.writtenMs, clock: c.clock };
}
