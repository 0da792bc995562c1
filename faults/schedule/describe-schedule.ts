// Schedules as a person reads them, and the one command that replays one.
import { describeAction, describeTopology } from './model.js';
import { SLOTS_PER_TASK_MANAGER, START_TASK_MANAGERS, type Schedule } from './schedule-arbitrary.js';

/** The schedule as generated: its start and every planned step (a step whose precondition fails is skipped at run time). */
export function describeSchedule(s: Schedule): string[] {
  const lines = [
    `start: job p=${s.start.parallelism} submitted via ${s.start.via}; ${START_TASK_MANAGERS} TaskManager x ${SLOTS_PER_TASK_MANAGER} slots; profile ${s.start.profile}; ${describeTopology(s.start.topology)}`,
  ];
  const planned: string[] = [];
  for (const c of s.commands) planned.push(String(c));
  if (s.forced) planned.splice(Math.min(s.forced.at, planned.length), 0, `${describeAction(s.forced.command.action)} [forced]`);
  planned.forEach((p, i) => lines.push(`${i + 1}. ${p}`));
  if (planned.length === 0) lines.push('(no steps)');
  lines.push('then: heal (TaskManagers started, enough slots, job running), generator finishes, output settles, oracle');
  return lines;
}

/** fast-check's replayPath from its printed commands: `... /*replayPath="AB:C"*\/` */
export function extractReplayPath(printed: string): string | undefined {
  return /replayPath="([^"]*)"/.exec(printed)?.[1] || undefined;
}

export interface ReplayTarget {
  suite: string;
  seed: number;
  path: string;
  replayPath?: string;
  /** The run's HARNESS_SCHEDULE_MAX_COMMANDS: the same seed draws another schedule under another bound. */
  maxCommands?: number;
  /** The own-job suite's declaration file (HARNESS_JOB): the schedule's job. */
  job?: string;
}

/** The command that replays exactly one schedule. */
export function replayCommand(t: ReplayTarget): string {
  return `${t.job ? `HARNESS_JOB=${t.job} ` : ''}npm run replay -- --suite ${t.suite} --seed ${t.seed} --path ${t.path}${t.maxCommands !== undefined ? ` --max-commands ${t.maxCommands}` : ''}${t.replayPath ? ` --replay-path '${t.replayPath}'` : ''}`;
}
