// Did each fault the run injected hit the job? A pure function of the history:
// a fault counts only when Flink's own records (or the job's Kafka clients)
// show it did. One reason per fault occurrence: 'info' `fault.<name>.confirmed`
// with the evidence, or 'inconclusive' saying what is missing, or (a resume
// that restored something other than its savepoint) 'fail'.
//
// Evidence is taken only from inside the fault's window: from its invoke to
// the next occurrence of the same fault on the same target. Nothing recorded
// before the fault counts (an exception from an earlier failover, a restore
// that happened already).
import path from 'node:path';
import { byTime, faultLabel, faultOccurrences, type FaultOccurrence } from '../history/fault-occurrences.js';
import { sameSavepoint } from '../history/restore-outcome.js';
import type { History, HistoryEvent } from '../history/types.js';
import { eventsOf as of, type EventOf as Ev } from '../history/events-of.js';
import { JOBMANAGER_FAULTS, jobManagerFailoverEvidence } from './jobmanager-evidence.js';
import type { Reason } from './outcome.js';
import { networkRules } from './network-evidence.js';
import { replicatedKafkaRules } from './replicated-kafka-evidence.js';

type JobException = Ev<'job-exception'>;

/** Log lines and lag samples this long after a broker fault still belong to it (clients reconnect, lag peaks). */
export const BROKER_AFTERMATH_MS = 30_000;
/** After an unpause, a failover or an exception this soon still belongs to the pause (Flink notices late). */
export const PAUSE_AFTERMATH_MS = 10_000;
/** The JobWatcher polls every 0.5 s: a checkpoint seen this soon after the pause may have completed before it. */
export const POLL_SLACK_MS = 1_000;
/** Metric name of the consumer-lag samples (faults/broker.ts records them; vertex = the input topic). */
export const CONSUMER_LAG = 'consumer-lag';

/** The `flink` CLI, REST, or the SQL client (faults/sql-job.ts). */
const STOP_WITH_SAVEPOINT = /^stop-with-savepoint-(cli|rest|sql)$/;
const SUBMIT = /^submit-job-(cli|rest|sql)$/;

/** One reason per fault occurrence (and per stop with savepoint), in time order. */
export function faultEvidence(history: History): Reason[] {
  const events = byTime(history.events);
  const faults = faultOccurrences(events);
  const reasons: Reason[] = [];
  for (const f of faults) {
    const base = { index: f.index, target: f.target, invokedAt: f.invokedAt };
    if (f.failedAt !== undefined || f.okAt === undefined) {
      reasons.push({
        code: `fault.${f.name}.failed`,
        effect: 'inconclusive',
        message: `${f.name} ${f.target} ${f.failedAt !== undefined ? `failed: ${f.detail ?? 'no detail'}` : 'never completed'}: the run did not get the fault it asked for`,
        evidence: base,
      });
      continue;
    }
    const until = nextSame(faults, f)?.invokedAt ?? Infinity;
    const reason = rules[f.name]?.(f, until, events) ?? noRule(f);
    reasons.push({ ...reason, evidence: { ...base, ...reason.evidence } });
  }
  reasons.push(...savepointEvidence(events));
  return reasons;
}

type Rule = (f: FaultOccurrence, until: number, events: readonly HistoryEvent[]) => Reason;

const rules: Record<string, Rule> = {
  'kill-taskmanager': killEvidence,
  'pause-taskmanager': pauseEvidence,
  'restart-kafka': brokerEvidence,
  'kafka-outage': brokerEvidence,
  'pause-kafka': brokerEvidence,
  ...Object.fromEntries(Object.keys(JOBMANAGER_FAULTS).map((name) => [name, jobManagerFailoverEvidence])),
  ...replicatedKafkaRules,
  ...networkRules,
};

function noRule(f: FaultOccurrence): Reason {
  return { code: `fault.${f.name}.no-evidence`, effect: 'inconclusive', message: `no evidence rule for ${f.name}: the harness cannot tell whether it hit the job` };
}

/**
 * A killed TaskManager counts when Flink's exception history, after the kill,
 * names it, and the job then either restored a checkpoint or restarted
 * without one (RESTARTING, then RUNNING).
 */
function killEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const addresses = addressesOf(f, events);
  const exceptions = of(events, 'job-exception').filter((e) => e.timestamp >= f.invokedAt && e.timestamp < until);
  const named = exceptions.find((e) => namesTaskManager(e, f.target, addresses));
  if (!named) {
    return {
      code: `fault.${f.name}.no-effect`,
      effect: 'inconclusive',
      message: `Flink's exception history names no failure on ${f.target} after the kill (${exceptions.length} other exception(s)): it ran no task of the job, or Flink never noticed`,
      evidence: { addresses, exceptionsAfter: exceptions.length },
    };
  }
  const found = exceptionEvidence(named);
  const restore = of(events, 'restore').find((r) => r.jobId === named.jobId && r.restoredAt >= named.timestamp && r.restoredAt < until);
  if (restore) {
    return confirmed(f, `Flink lost the job's tasks on ${f.target} (${short(named.exceptionName)}) and restored checkpoint ${restore.checkpointId}`, {
      ...found,
      restoredCheckpointId: restore.checkpointId,
      restoredPath: restore.path,
      restoredAt: restore.restoredAt,
    });
  }
  const restarted = restartAfter(events, named.jobId, f.invokedAt, until);
  if (restarted) {
    return confirmed(f, `Flink lost the job's tasks on ${f.target} (${short(named.exceptionName)}) and restarted the job with no checkpoint`, {
      ...found,
      restartedWithoutCheckpoint: true,
      restartingAt: restarted.restarting,
      runningAt: restarted.running,
    });
  }
  return {
    code: `fault.${f.name}.no-evidence`,
    effect: 'inconclusive',
    message: `Flink names ${f.target} in a failure, but the history shows no restore and no restart of job ${named.jobId} after it`,
    evidence: found,
  };
}

/**
 * A paused TaskManager counts with any of: a failure naming it (the
 * heartbeat timeout), a failover of the job, or checkpoints that stalled
 * while it was paused when they completed steadily before.
 */
function pauseEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  const pausedAt = f.okAt ?? f.invokedAt;
  const unpause = of(events, 'operation').find((e) => e.name === 'unpause-taskmanager' && e.target === f.target && e.phase !== 'invoke' && e.t >= f.invokedAt);
  const unpausedAt = unpause?.t;
  if (unpausedAt === undefined) {
    return { code: `fault.${f.name}.no-evidence`, effect: 'inconclusive', message: `${f.target} was never unpaused in the history: the pause has no end to judge`, evidence: {} };
  }
  const end = Math.min(unpausedAt + PAUSE_AFTERMATH_MS, until);
  const addresses = addressesOf(f, events);
  const named = of(events, 'job-exception').find((e) => e.timestamp >= f.invokedAt && e.timestamp < end && namesTaskManager(e, f.target, addresses));
  if (named) {
    return confirmed(f, `Flink declared ${f.target} lost while it was paused (${short(named.exceptionName)})`, { ...exceptionEvidence(named), pausedMs: unpausedAt - pausedAt });
  }
  const failover = of(events, 'job-state').find((e) => e.state === 'RESTARTING' && e.t >= f.invokedAt && e.t < end);
  if (failover) return confirmed(f, `job ${failover.jobId} failed over while ${f.target} was paused`, { failoverAt: failover.t, jobId: failover.jobId, pausedMs: unpausedAt - pausedAt });
  const stall = checkpointStall(events, pausedAt, unpausedAt);
  if (stall.stalled) {
    return confirmed(f, `no checkpoint completed in the ${Math.round((unpausedAt - pausedAt) / 1000)} s ${f.target} was paused (${stall.before} in the same time before)`, { ...stall, pausedMs: unpausedAt - pausedAt });
  }
  return {
    code: `fault.${f.name}.no-effect`,
    effect: 'inconclusive',
    message: `no failure naming ${f.target}, no failover and no checkpoint stall during its ${Math.round((unpausedAt - pausedAt) / 1000)} s pause`,
    evidence: { addresses, ...stall, pausedMs: unpausedAt - pausedAt },
  };
}

/** Checkpoints completed in the pause vs the same length of time just before it. */
function checkpointStall(events: readonly HistoryEvent[], pausedAt: number, unpausedAt: number): { stalled: boolean; before: number; during: number } {
  const span = unpausedAt - pausedAt;
  const checkpoints = of(events, 'checkpoint').filter((c) => c.type === 'checkpoint');
  const before = checkpoints.filter((c) => c.t >= pausedAt - span && c.t < pausedAt).length;
  const during = checkpoints.filter((c) => c.t > pausedAt + POLL_SLACK_MS && c.t < unpausedAt).length;
  return { stalled: before >= 2 && during === 0, before, during };
}

/**
 * A broker restart or outage counts when the job's Kafka clients logged
 * errors during it, and the job's consumer lag grew: input was waiting that
 * the job could not read. With nothing in flight the fault proves nothing.
 */
function brokerEvidence(f: FaultOccurrence, until: number, events: readonly HistoryEvent[]): Reason {
  // A paused broker is down from the pause until its unpause, not until the pause's ok.
  const end = f.name === 'pause-kafka' ? of(events, 'operation').find((o) => o.name === 'unpause-kafka' && o.phase === 'ok' && o.t >= f.invokedAt)?.t : f.okAt!;
  if (end === undefined) {
    return { code: `fault.${f.name}.no-evidence`, effect: 'inconclusive', message: `${f.target} was never unpaused in the history: the pause has no end to judge`, evidence: {} };
  }
  const aftermath = Math.min(end + BROKER_AFTERMATH_MS, until);
  const logged = of(events, 'log-evidence').filter((e) => e.t >= f.invokedAt && e.t < aftermath && e.what.startsWith('kafka-client'));
  // A task that failed on a Kafka client error (e.g. "Failed to construct kafka consumer") is the job's own record of it.
  const failed = of(events, 'job-exception').filter((e) => e.timestamp >= f.invokedAt && e.timestamp < aftermath && isKafkaError(e));
  const lines = [
    ...logged.map((e) => ({ node: e.node, what: e.what, t: e.t, line: e.line })),
    ...failed.map((e) => ({ node: e.location ?? e.taskManagerId ?? 'job', what: `job-exception ${short(e.exceptionName)}`, t: e.timestamp, line: e.message ?? e.exceptionName })),
  ].sort((a, b) => a.t - b.t);
  const lag = lagAround(events, f.invokedAt, end, aftermath);
  if (lines.length === 0) {
    return {
      code: `fault.${f.name}.no-effect`,
      effect: 'inconclusive',
      message: `no Kafka client error in the Flink nodes' logs or the job's exception history during ${f.name}: the job's clients did not notice the broker go`,
      evidence: { lag },
    };
  }
  const logs = { logLines: logged.length, kafkaExceptions: failed.length, firstLine: { node: lines[0]!.node, what: lines[0]!.what, at: lines[0]!.t, line: lines[0]!.line } };
  if (lag.before === undefined || lag.maxAfter === undefined) {
    return {
      code: `fault.${f.name}.no-evidence`,
      effect: 'inconclusive',
      message: `the job's Kafka clients logged errors, but its consumer lag was not measured ${lag.before === undefined ? 'before' : 'after'} the fault`,
      evidence: { ...logs, lag },
    };
  }
  // In flight: input waited for the job when the broker went (a backlog it then could not read), or
  // the lag grew across the fault. A broker restarted while the job had read everything shows neither.
  if (!(lag.maxAfter > lag.before) && !(lag.before > 0)) {
    return {
      code: `fault.${f.name}.no-evidence`,
      effect: 'inconclusive',
      message: `nothing was in flight: no input waited for the job and its consumer lag did not grow (${lag.before} before, at most ${lag.maxAfter} after)`,
      evidence: { ...logs, lag },
    };
  }
  const how = lag.maxAfter > lag.before ? `its consumer lag grew from ${lag.before} to ${lag.maxAfter}` : `${lag.before} input records waited for it`;
  return confirmed(f, `the job's Kafka clients lost the broker (${lines[0]!.what} on ${lines[0]!.node}) and ${how}`, {
    ...logs,
    lag,
  });
}

function lagAround(events: readonly HistoryEvent[], invokedAt: number, end: number, aftermath: number): { before?: number; maxAfter?: number; samplesAfter: number } {
  const samples = of(events, 'metric').filter((m) => m.name === CONSUMER_LAG);
  const before = samples.filter((m) => m.t <= invokedAt).at(-1)?.value;
  const after = samples.filter((m) => m.t > end && m.t < aftermath).map((m) => m.value);
  const out: { before?: number; maxAfter?: number; samplesAfter: number } = { samplesAfter: after.length };
  if (before !== undefined) out.before = before;
  if (after.length > 0) out.maxAfter = Math.max(...after);
  return out;
}

/**
 * A stop with savepoint counts when Flink reported the savepoint's path and,
 * if the run resumed from it, the resumed job restored exactly that savepoint.
 * A resume that restored something else fails: Flink did not do what it said.
 */
function savepointEvidence(events: readonly HistoryEvent[]): Reason[] {
  const ops = of(events, 'operation');
  // Operations pair like faults: reuse the pairing on operation events.
  const stops = faultOccurrences(ops.filter((o) => STOP_WITH_SAVEPOINT.test(o.name)).map((o) => ({ ...o, kind: 'fault' as const })));
  const submits = faultOccurrences(ops.filter((o) => SUBMIT.test(o.name)).map((o) => ({ ...o, kind: 'fault' as const })));
  const faults = faultOccurrences(events);
  return stops.map((s): Reason => {
    const via = STOP_WITH_SAVEPOINT.exec(s.name)![1];
    const base = { target: s.target, via, invokedAt: s.invokedAt };
    if (s.failedAt !== undefined) {
      // A stop that failed while the run injected a fault is what the fault is for (a TaskManager killed
      // during the savepoint, say): the scenario judges what Flink did next; the oracle judges the data.
      const under = faults.find((f) => f.invokedAt >= s.invokedAt && f.invokedAt <= s.failedAt!);
      if (under) {
        return {
          code: 'fault.stop-with-savepoint.failed-under-fault',
          effect: 'info',
          message: `stop with savepoint of ${s.target} failed while ${faultLabel(under)} was injected: ${s.detail ?? 'no detail'}`,
          evidence: { ...base, failedAt: s.failedAt, fault: faultLabel(under), faultInvokedAt: under.invokedAt },
        };
      }
    }
    if (s.failedAt !== undefined || s.okAt === undefined || !s.detail) {
      return {
        code: 'fault.stop-with-savepoint.failed',
        effect: 'inconclusive',
        message: `stop with savepoint of ${s.target} ${s.failedAt !== undefined ? `failed: ${s.detail ?? 'no detail'}` : 'reported no savepoint'}`,
        evidence: base,
      };
    }
    const savepoint = s.detail;
    const name = path.basename(savepoint.replace(/\/+$/, ''));
    // Exactly this savepoint: a copy beside it ("<name>-corrupt") is another one.
    const resume = submits.find((u) => u.invokedAt >= s.okAt! && resumesFrom(u.target, name));
    if (!resume) {
      return { code: 'fault.stop-with-savepoint.not-resumed', effect: 'info', message: `stopped with savepoint ${savepoint}; the run did not resume from it`, evidence: { ...base, savepoint } };
    }
    const jobId = /job (\S+)/.exec(resume.detail ?? '')?.[1];
    if (resume.okAt === undefined || !jobId) {
      // Flink refused the resume (an incompatible savepoint, say): the scenario's own checks judge that.
      return {
        code: 'fault.stop-with-savepoint.resume-refused',
        effect: 'info',
        message: `the resume from ${savepoint} did not start a job: ${resume.detail ?? 'no detail'}`,
        evidence: { ...base, savepoint },
      };
    }
    const restore = of(events, 'restore').find((r) => r.jobId === jobId);
    // faults/restore-outcome.ts records what the resume came to: a restore Flink refused is the scenario's to judge.
    const refused = ops.find((o) => o.name === 'restore-from-savepoint' && o.phase === 'ok' && o.target.startsWith(`job ${jobId} `) && !o.detail?.startsWith('restored'));
    if (!restore && refused) {
      return {
        code: 'fault.stop-with-savepoint.resume-refused',
        effect: 'info',
        message: `Flink did not restore job ${jobId} from ${savepoint}: ${refused.detail ?? 'no detail'}`,
        evidence: { ...base, savepoint, jobId },
      };
    }
    if (!restore) {
      return {
        code: 'fault.stop-with-savepoint.no-evidence',
        effect: 'inconclusive',
        message: `job ${jobId} was resumed from ${savepoint}, but Flink reported no restore for it`,
        evidence: { ...base, savepoint, jobId },
      };
    }
    const evidence = { ...base, savepoint, jobId, restoredCheckpointId: restore.checkpointId, restoredPath: restore.path, restoredIsSavepoint: restore.isSavepoint, restoredAt: restore.restoredAt };
    // The path decides: after a CLAIM resume Flink reports the claimed savepoint with is_savepoint false.
    if (!sameSavepoint(restore.path, savepoint)) {
      return {
        code: 'fault.stop-with-savepoint.wrong-restore',
        effect: 'fail',
        message: `job ${jobId} was resumed from ${savepoint}, but Flink restored ${restore.isSavepoint ? 'savepoint' : 'checkpoint'} ${restore.path}`,
        evidence,
      };
    }
    return { code: 'fault.stop-with-savepoint.confirmed', effect: 'info', message: `stopped with savepoint ${savepoint}; job ${jobId} restored it`, evidence };
  });
}

/** submitJob's target: "Click Event Count from <savepoint folder>[ p=<n>]". */
const resumesFrom = (target: string, name: string) => target.endsWith(` from ${name}`) || target.includes(` from ${name} `);

/** Whether Flink's failure names the TaskManager: by its resource id, its container name, or its address ("<ip>:<port>..."). */
export function namesTaskManager(e: JobException, target: string, addresses: readonly string[]): boolean {
  const ids = [e.taskManagerId, e.location].filter((s): s is string => Boolean(s));
  if (ids.some((id) => id === target || id.startsWith(`${target}:`) || addresses.some((ip) => id.startsWith(`${ip}:`)))) return true;
  // The adaptive scheduler names a lost TaskManager only in the message:
  // "TaskManager with id 172.17.0.4:33073-a4c011 is no longer reachable."
  const named = /TaskManager with id (\S+)\s/.exec(e.message ?? '')?.[1];
  return named !== undefined && (named.startsWith(`${target}:`) || addresses.some((ip) => named.startsWith(`${ip}:`)));
}

function addressesOf(f: FaultOccurrence, events: readonly HistoryEvent[]): string[] {
  const invoke = of(events, 'fault').find((e) => e.phase === 'invoke' && e.name === f.name && e.target === f.target && e.t === f.invokedAt);
  return invoke?.addresses ?? [];
}

function restartAfter(events: readonly HistoryEvent[], jobId: string, from: number, until: number): { restarting: number; running: number } | undefined {
  const states = of(events, 'job-state').filter((e) => e.jobId === jobId && e.t >= from && e.t < until);
  // The job-level RESTARTING can last less than one poll; its tasks leaving RUNNING
  // (SCHEDULED while no slot exists, CANCELING, ...) show the restart as well.
  const allRunning = (e: Ev<'job-state'>) => e.state === 'RUNNING' && Object.entries(e.tasks).every(([st, n]) => st === 'RUNNING' || n === 0);
  const restarting = states.find((e) => e.state === 'RESTARTING' || (e.state === 'RUNNING' && !allRunning(e)));
  const running = restarting && states.find((e) => allRunning(e) && e.t > restarting.t);
  return restarting && running ? { restarting: restarting.t, running: running.t } : undefined;
}

function nextSame(faults: readonly FaultOccurrence[], f: FaultOccurrence): FaultOccurrence | undefined {
  return faults.find((o) => o.index > f.index && o.name === f.name && o.target === f.target);
}

function exceptionEvidence(e: JobException): Record<string, unknown> {
  return { jobId: e.jobId, exceptionAt: e.timestamp, exceptionName: e.exceptionName, message: e.message, taskName: e.taskName, location: e.location, taskManagerId: e.taskManagerId };
}

function confirmed(f: FaultOccurrence, message: string, evidence: Record<string, unknown>): Reason {
  return { code: `fault.${f.name}.confirmed`, effect: 'info', message, evidence };
}

const isKafkaError = (e: JobException) => /\borg\.apache\.kafka\./.test(`${e.exceptionName} ${e.message ?? ''}`);

const short = (exceptionName: string) => exceptionName.split('.').at(-1) ?? exceptionName;

