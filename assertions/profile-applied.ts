// Did the run's profile take? A pure rule over what the harness read back
// from Flink (history 'check' events named 'profile-applied'): the cluster's
// configuration (`GET /jobmanager/config`), the job's
// (`GET /jobs/<id>/jobmanager/config`), its checkpoint configuration
// (`GET /jobs/<id>/checkpoints/config`) and its checkpoints
// (`GET /jobs/<id>/checkpoints` history: type, checkpointed vs full size).
//
// A setting Flink reports differently is a FAIL (`profile.not-applied`): the
// run did not test what it claims. A setting Flink did not report (no
// checkpoint yet, a field this release lacks) is inconclusive
// (`profile.not-verified`), never a pass on the profile's word.

import type { CheckpointEntry, ProfileReadBack } from '../history/profile-read-back.js';
import type { HistoryEvent } from '../history/types.js';
import type { Reason } from './outcome.js';

export const PROFILE_CHECK = 'profile-applied';

/** The choices of a profile this rule checks (containers/profiles/profile.ts's Profile has them all). */
export interface ExpectedProfile {
  name: string;
  stateBackend: 'hashmap' | 'rocksdb' | 'forst';
  incremental: boolean;
  checkpoints: { mode: 'aligned' } | { mode: 'unaligned'; alignedTimeoutMs: number };
  checkpointIntervalMs: number;
  restoreMode: 'CLAIM' | 'NO_CLAIM' | 'LEGACY';
  savepointFormat: 'canonical' | 'native';
  scheduler: 'default' | 'adaptive';
  changelog: boolean;
}

export type FindingStatus = 'ok' | 'mismatch' | 'unknown';

export interface Finding {
  /** The profile setting, in Flink's words (e.g. `state backend`, `restore mode`). */
  setting: string;
  /** Where it was read: a config key or a REST field. */
  key: string;
  expected: string;
  actual: string;
  status: FindingStatus;
}

const ALIASES = {
  stateBackend: ['state.backend.type', 'state.backend'],
  incremental: ['execution.checkpointing.incremental', 'state.backend.incremental'],
  changelog: ['state.changelog.enabled', 'state.backend.changelog.enabled'],
  scheduler: ['jobmanager.scheduler'],
};

/** The state backend as `checkpoints/config` names it (a class name) -> the profile's word. */
export function backendWord(name: string): string {
  const n = name.toLowerCase();
  if (n.includes('forst')) return 'forst';
  if (n.includes('rocksdb')) return 'rocksdb';
  if (n.includes('hashmap')) return 'hashmap';
  return n;
}

function lookup(config: Record<string, string>, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const key of keys) if (config[key] !== undefined) return { key, value: config[key]! };
  return undefined;
}

const finding = (setting: string, key: string, expected: string, actual: string | undefined): Finding => ({
  setting,
  key,
  expected,
  actual: actual ?? 'not reported',
  status: actual === undefined ? 'unknown' : actual.trim().toLowerCase() === expected.toLowerCase() ? 'ok' : 'mismatch',
});

const field = (o: Record<string, unknown> | undefined, name: string): unknown => o?.[name];
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** Completed checkpoints (not savepoints), oldest first. */
function completedCheckpoints(rb: ProfileReadBack): CheckpointEntry[] {
  return rb.checkpoints.filter((c) => c.status === 'COMPLETED' && !c.isSavepoint).sort((a, b) => a.id - b.id);
}

/**
 * The first checkpoint completed after the restored snapshot `id`. Ids go on
 * from the restored one, so it is id + 1 unless attempts failed first (a kill
 * during the first one): failed attempts are passed over. Undefined when the
 * history does not show every attempt since (it left Flink's bounded history)
 * or one is still in progress.
 */
export function firstCompletedAfter(history: readonly CheckpointEntry[], id: number): CheckpointEntry | undefined {
  const byId = new Map(history.map((c) => [c.id, c]));
  for (let next = id + 1; ; next++) {
    const c = byId.get(next);
    if (!c || c.status === 'IN_PROGRESS') return undefined;
    if (c.status === 'COMPLETED') return c.isSavepoint ? undefined : c;
  }
}

/** 'incremental' when the checkpoint uploaded less than the state it covers, 'full' when all of it; undefined without sizes. */
export function checkpointKind(c: CheckpointEntry): 'incremental' | 'full' | undefined {
  if (c.checkpointedSize === undefined || c.stateSize === undefined || c.stateSize <= 0) return undefined;
  return c.checkpointedSize < c.stateSize ? 'incremental' : 'full';
}

/** Pure: every setting of the profile against what Flink reported for one job. */
export function profileFindings(p: ExpectedProfile, rb: ProfileReadBack): Finding[] {
  const out: Finding[] = [];
  const cc = rb.checkpointConfig;
  // State backend: the job's checkpoint configuration names the backend it runs.
  out.push(finding('state backend', 'checkpoints/config state_backend', p.stateBackend, str(field(cc, 'state_backend')) && backendWord(String(field(cc, 'state_backend')))));
  out.push(finding('changelog state backend', 'checkpoints/config state_changelog_enabled', String(p.changelog), str(field(cc, 'state_changelog_enabled'))));
  out.push(finding('checkpoint interval', 'checkpoints/config interval', String(p.checkpointIntervalMs), str(field(cc, 'interval'))));
  const unaligned = p.checkpoints.mode === 'unaligned';
  out.push(finding('unaligned checkpoints', 'checkpoints/config unaligned_checkpoints', String(unaligned), str(field(cc, 'unaligned_checkpoints'))));
  if (p.checkpoints.mode === 'unaligned') {
    out.push(finding('aligned checkpoint timeout', 'checkpoints/config aligned_checkpoint_timeout', String(p.checkpoints.alignedTimeoutMs), str(field(cc, 'aligned_checkpoint_timeout'))));
  }
  // Scheduler: a cluster key (absent: Flink's default scheduler for streaming jobs), and the class that started the job.
  const sched = lookup(rb.clusterConfig, ALIASES.scheduler);
  out.push(finding('scheduler (key)', sched?.key ?? 'jobmanager.scheduler (/jobmanager/config)', p.scheduler, sched ? sched.value : 'default'));
  out.push(finding('scheduler (JobManager log)', 'logger of "Running initialization on master for job"', p.scheduler, rb.schedulerInLog));
  // Incremental: the key the job runs with, then the sizes its checkpoints show.
  const inc = lookup(rb.jobConfig, ALIASES.incremental) ?? lookup(rb.clusterConfig, ALIASES.incremental);
  out.push(finding('incremental checkpoints (key)', inc?.key ?? 'execution.checkpointing.incremental', String(p.incremental), inc ? inc.value : 'false'));
  const done = completedCheckpoints(rb);
  // The first checkpoint of a job is full whatever the setting: judge the later ones.
  const later = done.slice(1).map(checkpointKind).filter((k): k is 'incremental' | 'full' => k !== undefined);
  // Sizes prove incremental (less uploaded than covered); they never prove full: an incremental RocksDB
  // checkpoint uploads all of a small state whenever compaction rewrote it, several in a row (the
  // production profile's read-back of a stopped job in a fresh-machine CI run, a false fail). So an
  // incremental profile without such a checkpoint is not verified by sizes, and a full one is
  // contradicted by any incremental checkpoint.
  const sizes = later.includes('incremental') ? 'incremental' : !p.incremental && later.length >= 1 ? 'full' : undefined;
  out.push(finding('incremental checkpoints (sizes)', 'checkpoints history checkpointed_size < state_size', p.incremental ? 'incremental' : 'full', sizes));
  // Checkpoint type: an aligned profile never shows UNALIGNED_CHECKPOINT. An unaligned one (timeout 0) shows it only for a
  // checkpoint whose barriers overtook data in flight: Flink reports CHECKPOINT when every barrier arrived with nothing to
  // overtake (seen on 2.2.1: a job's first checkpoint, and every checkpoint of a job resumed after its input was complete,
  // three in a row in a clean-clone CI run). So aligned types do not contradict an unaligned profile; they just do not
  // show it, and another job of the run must (the setting is the cluster's; `unaligned_checkpoints` is judged above).
  const types = [...new Set(done.map((c) => c.checkpointType).filter((t): t is string => t !== undefined))].sort();
  const typeKey = 'checkpoints history checkpoint_type';
  if (p.checkpoints.mode === 'aligned') out.push(finding('checkpoint type', typeKey, 'CHECKPOINT', types.length === 0 ? undefined : types.join(',')));
  else if (p.checkpoints.alignedTimeoutMs === 0) {
    out.push(finding('checkpoint type', typeKey, 'UNALIGNED_CHECKPOINT', types.includes('UNALIGNED_CHECKPOINT') ? 'UNALIGNED_CHECKPOINT' : undefined));
  }
  // Restore mode: only for a job the harness resumed from a snapshot (a failover restores its own checkpoints).
  const resumed = rb.resumedFrom;
  // A job Flink shows restored from a snapshot not its own (a folder without its id), which the harness did not record
  // resuming: some path submitted it without the profile's restore mode, so what the run tested is unknown.
  if (!resumed && rb.restored && !rb.restored.path.includes(rb.jobId)) {
    out.push({
      setting: `restore mode ${p.restoreMode}`,
      key: 'latest.restored of a resume the harness did not record',
      expected: 'a resume submitted with the profile\'s restore mode',
      actual: `restored ${rb.restored.isSavepoint ? 'savepoint' : 'checkpoint'} ${rb.restored.id} from ${rb.restored.path}, not recorded as a resume`,
      status: 'unknown',
    });
  }
  if (resumed) {
    const after = done.filter((c) => resumed.checkpointId === undefined || c.id > resumed.checkpointId).length;
    const first = resumed.checkpointId === undefined ? undefined : firstCompletedAfter(rb.checkpoints, resumed.checkpointId);
    const firstKind = first && checkpointKind(first);
    const onDisk = resumed.onDisk === undefined || after < 2 ? undefined : resumed.onDisk ? 'kept' : 'deleted';
    const key = 'resumed-from snapshot folder; first checkpoint after the restore';
    if (p.restoreMode === 'CLAIM') {
      // CLAIM: Flink owns the snapshot and deletes it once no checkpoint needs it; until then (changelog before its
      // next materialization: seen on 2.2.1) a first checkpoint that shares its files shows the claim (NO_CLAIM forbids it).
      const actual = onDisk === 'deleted' ? 'deleted' : firstKind === 'incremental' ? 'shared by the first checkpoint' : onDisk === undefined ? undefined : `${onDisk}, first checkpoint ${firstKind ?? 'not reported'}`;
      out.push({ setting: 'restore mode CLAIM', key, expected: 'deleted, or shared by the first checkpoint', actual: actual ?? 'not reported', status: actual === 'deleted' || actual === 'shared by the first checkpoint' ? 'ok' : 'unknown' });
    } else {
      // NO_CLAIM and LEGACY leave the snapshot to the user: Flink deleting it is a failure.
      out.push(finding(`restore mode ${p.restoreMode} (snapshot kept)`, 'resumed-from snapshot folder on the shared storage', 'kept', onDisk));
    }
    if (p.restoreMode === 'NO_CLAIM' && p.incremental && p.stateBackend !== 'hashmap') {
      // NO_CLAIM: Flink forces the first checkpoint after the restore to be a full one (FLIP-193).
      out.push(finding('first checkpoint after a NO_CLAIM restore', 'checkpoints history checkpointed_size vs state_size', 'full', firstKind));
    }
  }
  // Savepoints: their statistics entry (savepointFormat) and the JobManager's trigger line (formatType), whichever is there
  // (Flink keeps only web.checkpoints.history entries: 10 by default, so a stop's savepoint can be missing from the REST answer).
  const savepoints = rb.checkpoints.filter((c) => c.isSavepoint && c.status === 'COMPLETED' && c.savepointFormat !== undefined);
  const formats = [...new Set([...savepoints.map((c) => c.savepointFormat!), ...(rb.savepointFormatsInLog ?? []).map((f) => f.format)])].sort();
  if (formats.length > 0) out.push(finding('savepoint format', 'savepointFormat / JobManager log formatType', p.savepointFormat.toUpperCase(), formats.join(',')));
  return out;
}

type CheckEvent = Extract<HistoryEvent, { kind: 'check' }>;

/** The check event a read-back produces (the recorder stamps `t`). */
export function profileCheck(p: ExpectedProfile, rb: ProfileReadBack): Omit<CheckEvent, 't' | 'kind'> {
  const findings = profileFindings(p, rb);
  const bad = findings.filter((f) => f.status !== 'ok');
  return {
    name: PROFILE_CHECK,
    ok: bad.length === 0,
    detail:
      bad.length === 0
        ? `profile '${p.name}' applied to job ${rb.jobId}: ${findings.map((f) => `${f.setting} ${f.actual}`).join(', ')}`
        : `profile '${p.name}' on job ${rb.jobId}: ${bad.map((f) => `${f.setting} expected ${f.expected}, Flink reports ${f.actual}`).join('; ')}`,
    data: { profile: p.name, readBack: rb, findings },
  };
}

/**
 * Settings judged per job: the restore mode acts only on the job resumed
 * from a snapshot. Every other setting is the cluster's, the same for each of
 * its jobs: one read-back that shows it is enough.
 */
const perJob = (setting: string) => setting.startsWith('restore mode') || setting.startsWith('first checkpoint after');

/**
 * Pure: the profile's reasons for the scenario outcome. Every read-back in
 * the history is judged again from its data (the check's own `ok` is not
 * trusted). A setting any read-back shows different is a fail; one that no
 * read-back shows (a job stopped before its checkpoints said it, and no other
 * job that did) is inconclusive; no read-back at all is inconclusive.
 */
export function profileReasons(history: { readonly events: readonly HistoryEvent[] }, profile: ExpectedProfile): Reason[] {
  const checks = history.events.filter((e): e is CheckEvent => e.kind === 'check' && e.name === PROFILE_CHECK);
  if (checks.length === 0) {
    return [{ code: 'profile.not-verified', effect: 'inconclusive', message: `profile '${profile.name}': no read-back from Flink in the history`, evidence: { profile: profile.name } }];
  }
  const reasons: Reason[] = [];
  /** Per setting (per job for the restore mode): shown ok by some read-back, or the first read-back that did not report it. */
  const shown = new Map<string, { ok: boolean; unknown?: Reason }>();
  const applied: { jobId: string; findings: string[] }[] = [];
  for (const c of checks) {
    const rb = c.data?.readBack as ProfileReadBack | undefined;
    if (!rb) {
      reasons.push({ code: 'profile.not-verified', effect: 'inconclusive', message: `profile '${profile.name}': a read-back without data (${c.detail})`, evidence: { profile: profile.name } });
      continue;
    }
    const findings = profileFindings(profile, rb);
    for (const f of findings) {
      const evidence = { profile: profile.name, jobId: rb.jobId, setting: f.setting, key: f.key, expected: f.expected, actual: f.actual };
      if (f.status === 'mismatch') {
        reasons.push({ code: 'profile.not-applied', effect: 'fail', message: `profile '${profile.name}': ${f.setting} is ${f.actual} on job ${rb.jobId}, the profile says ${f.expected} (${f.key})`, evidence });
        continue;
      }
      const id = perJob(f.setting) ? `${rb.jobId}\u0000${f.setting}` : f.setting;
      const seen = shown.get(id) ?? { ok: false };
      if (f.status === 'ok') seen.ok = true;
      else seen.unknown ??= { code: 'profile.not-verified', effect: 'inconclusive', message: `profile '${profile.name}': Flink did not report ${f.setting} for job ${rb.jobId} (${f.key})`, evidence };
      shown.set(id, seen);
    }
    if (findings.every((f) => f.status === 'ok')) applied.push({ jobId: rb.jobId, findings: findings.map((f) => `${f.setting}: ${f.actual}`) });
  }
  for (const { ok, unknown } of shown.values()) if (!ok && unknown) reasons.push(unknown);
  if (!reasons.some((r) => r.effect !== 'info')) {
    for (const a of applied) reasons.push({ code: 'profile.applied', effect: 'info', message: `profile '${profile.name}' applied to job ${a.jobId}`, evidence: { profile: profile.name, jobId: a.jobId, findings: a.findings } });
    if (applied.length === 0) reasons.push({ code: 'profile.applied', effect: 'info', message: `profile '${profile.name}': every setting shown applied by at least one of ${checks.length} read-back(s)`, evidence: { profile: profile.name } });
  }
  return reasons;
}
