// A verdict as text a person can act on: what failed, where in the output
// topic (partition@offset), and which window in both epoch ms and UTC.
import { PROBLEM_KINDS, type Location, type Problem, type TimedLocation, type Verdict } from './verdict.js';

/** How a failed verdict's text begins: an assertion that failed on the oracle's verdict says so first. */
export const VERDICT_FAILED_PREFIX = 'verdict FAILED';

export function formatVerdict(verdict: Verdict, maxProblems = 10): string {
  const { summary: s, policy } = verdict;
  const sev = s.bySeverity;
  const lines = [
    `${verdict.ok ? 'verdict OK' : VERDICT_FAILED_PREFIX} (${policy.sink}, ${policy.time}): ` +
      `${sev.failure} failure(s), ${sev.tolerated} tolerated, ${sev.info} info`,
    `records ${s.records}, well-formed ${s.wellFormed}, distinct ${s.distinct}, ` +
      `duplicate records ${s.duplicateRecords}, expected keys ${s.expectedKeys}, ` +
      `closed through ${formatTime(s.closedThroughMs)}, ` +
      `disturbances ${s.disturbances ?? 'not read'}` +
      (policy.time === 'event-time' ? `, late records dropped ${s.lateRecordsDropped ?? 'not read'}` : ''),
  ];
  const kinds = PROBLEM_KINDS.filter((k) => s.byKind[k] > 0).map((k) => `${k} ${s.byKind[k]}`);
  lines.push(`problems: ${kinds.length > 0 ? kinds.join(', ') : 'none'}`);
  for (const p of verdict.problems.slice(0, maxProblems)) lines.push(`  [${p.severity}] ${describeProblem(p)}`);
  const rest = verdict.problems.length - maxProblems;
  if (rest > 0) lines.push(`  ... and ${rest} more`);
  return lines.join('\n');
}

/** One line per problem; also used by the HTML report. */
export function describeProblem(p: Problem): string {
  switch (p.kind) {
    case 'missing':
      return `missing ${key(p)}: expected ${p.expected}, no record`;
    case 'wrong-count':
      return `wrong-count ${key(p)}: expected ${p.expected}, got ${p.got} at ${at(p)}`;
    case 'identical-duplicate':
      return (
        `identical-duplicate ${key(p)}: count ${p.count} x${p.copies} at ${p.locations.map(at).join(', ')}` +
        (p.attributedTo?.length ? `; after ${p.attributedTo.join('; ')}` : '')
      );
    case 'duplicate-without-fault':
      return (
        `duplicate-without-fault ${key(p)}: count ${p.count} x${p.copies}; nothing disturbed the job between ` +
        p.unattributed.map(({ first, second }) => `${timedAt(first)} and ${timedAt(second)}`).join(', ')
      );
    case 'conflicting-duplicate':
      return (
        `conflicting-duplicate ${key(p)}: expected ${p.expected ?? 'nothing'}, got ` +
        p.locations.map((l) => `${l.count} at ${at(l)}`).join(', ') +
        (p.reason ? ` (${p.reason})` : '')
      );
    case 'unexpected':
      return `unexpected ${key(p)}: ${p.reason}, count ${p.count} at ${at(p)}`;
    case 'malformed':
      return `malformed at ${at(p)}: ${p.reason}`;
    case 'unsettled':
      return `unsettled ${key(p)}: ${p.state}, got ${p.got} of ${p.expected} acknowledged`;
    case 'conservation':
      return `conservation page ${p.page}: acknowledged ${p.expected}, output sums to ${p.got}${p.reason ? ` (${p.reason})` : ''}`;
    case 'empty-output':
      return `empty-output: ${p.reason} (${p.acknowledged} event(s) acknowledged, ${p.settledKeys} settled key(s), ${p.records} record(s) read)`;
    case 'late-records-dropped':
      return (
        `late-records-dropped: the window operator dropped ${p.dropped} late record(s) (` +
        p.readings.map((r) => `${r.vertex} of job ${r.jobId}: ${r.value}`).join(', ') +
        ')'
      );
    case 'late-drops-unread':
      return `late-drops-unread: ${p.reason}`;
    case 'not-judged':
      return `not-judged (${p.what}): ${p.reason}`;
  }
}

export function formatTime(ms: number): string {
  const iso = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : 'invalid';
  return `${ms} (${iso})`;
}

function key(p: { windowStart: number; page: string }): string {
  return `window ${formatTime(p.windowStart)} page ${JSON.stringify(p.page)}`;
}

function at(l: Location): string {
  return `p${l.partition}@${l.offset}`;
}

function timedAt(l: TimedLocation): string {
  return `${at(l)} (${l.clock === 'append' ? 'appended' : 'read'} ${formatTime(l.writtenMs)})`;
}
