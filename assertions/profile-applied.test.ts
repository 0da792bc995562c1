import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../history/types.js';
import { decide } from './outcome.js';
import type { CheckpointEntry, ProfileReadBack } from '../history/profile-read-back.js';
import { checkpointKind, PROFILE_CHECK, profileCheck, profileFindings, profileReasons, type ExpectedProfile } from './profile-applied.js';

const profileArb: fc.Arbitrary<ExpectedProfile> = fc.record({
  name: fc.constantFrom('p1', 'p2'),
  stateBackend: fc.constantFrom('hashmap', 'rocksdb', 'forst'),
  incremental: fc.boolean(),
  checkpoints: fc.oneof(fc.constant({ mode: 'aligned' as const }), fc.record({ mode: fc.constant('unaligned' as const), alignedTimeoutMs: fc.integer({ min: 0, max: 30_000 }) })),
  checkpointIntervalMs: fc.constantFrom(1000, 5000),
  restoreMode: fc.constantFrom('CLAIM', 'NO_CLAIM', 'LEGACY'),
  savepointFormat: fc.constantFrom('canonical', 'native'),
  scheduler: fc.constantFrom('default', 'adaptive'),
  changelog: fc.boolean(),
});

const BACKEND_CLASS = { hashmap: 'HashMapStateBackend', rocksdb: 'EmbeddedRocksDBStateBackend', forst: 'ForStStateBackend' } as const;

/** What Flink 2.2.1 reports for a job that runs under `p` (shapes as read on real clusters). */
function appliedReadBack(p: ExpectedProfile, options: { restoredFrom?: number; savepoint?: boolean } = {}): ProfileReadBack {
  const first = (options.restoredFrom ?? 0) + 1;
  const checkpoints: CheckpointEntry[] = [0, 1, 2, 3].map((i) => ({
    id: first + i,
    status: 'COMPLETED',
    isSavepoint: false,
    // As seen on 2.2.1: the very first checkpoint of a job is aligned even with an aligned timeout of 0.
    checkpointType: p.checkpoints.mode === 'unaligned' && p.checkpoints.alignedTimeoutMs === 0 && (i > 0 || options.restoredFrom !== undefined) ? 'UNALIGNED_CHECKPOINT' : 'CHECKPOINT',
    stateSize: 10_000,
    // The first one full; later ones upload less when incremental.
    checkpointedSize: p.incremental && i > 0 ? 2_000 : 10_000,
  }));
  const savepointFormatsInLog = options.savepoint ? [{ id: first + 4, format: p.savepointFormat.toUpperCase() }] : undefined;
  return {
    jobId: 'j1',
    clusterConfig: { 'jobmanager.scheduler': p.scheduler, 'state.backend.type': p.stateBackend },
    jobConfig: { 'execution.checkpointing.incremental': String(p.incremental), 'execution.state-recovery.claim-mode': p.restoreMode },
    checkpointConfig: {
      interval: p.checkpointIntervalMs,
      state_backend: BACKEND_CLASS[p.stateBackend],
      unaligned_checkpoints: p.checkpoints.mode === 'unaligned',
      aligned_checkpoint_timeout: p.checkpoints.mode === 'unaligned' ? p.checkpoints.alignedTimeoutMs : 0,
      state_changelog_enabled: p.changelog,
    },
    checkpoints,
    ...(options.restoredFrom === undefined
      ? {}
      : { restored: { id: options.restoredFrom, isSavepoint: true, path: 'file:/tmp/sp' }, resumedFrom: { path: 'file:/tmp/sp', checkpointId: options.restoredFrom, onDisk: p.restoreMode !== 'CLAIM' } }),
    schedulerInLog: p.scheduler,
    ...(savepointFormatsInLog ? { savepointFormatsInLog } : {}),
  };
}

const historyOf = (...events: HistoryEvent[]) => ({ events });
const checkEvent = (p: ExpectedProfile, rb: ProfileReadBack): HistoryEvent => ({ t: 1, kind: 'check', ...profileCheck(p, rb) });
const restoreArb = fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined });

/** One way the cluster can ignore a setting: the read-back shows something else. */
const breakages: { name: string; apply: (rb: ProfileReadBack, p: ExpectedProfile) => void; key: RegExp }[] = [
  { name: 'backend', apply: (rb, p) => (rb.checkpointConfig!.state_backend = p.stateBackend === 'hashmap' ? 'EmbeddedRocksDBStateBackend' : 'HashMapStateBackend'), key: /state_backend/ },
  { name: 'unaligned', apply: (rb) => (rb.checkpointConfig!.unaligned_checkpoints = !rb.checkpointConfig!.unaligned_checkpoints), key: /unaligned_checkpoints/ },
  { name: 'scheduler', apply: (rb, p) => (rb.clusterConfig['jobmanager.scheduler'] = p.scheduler === 'adaptive' ? 'default' : 'adaptive'), key: /jobmanager.scheduler/ },
  { name: 'changelog', apply: (rb) => (rb.checkpointConfig!.state_changelog_enabled = !rb.checkpointConfig!.state_changelog_enabled), key: /changelog/ },
  { name: 'interval', apply: (rb) => (rb.checkpointConfig!.interval = 1234), key: /interval/ },
  // Sizes: every checkpoint uploads all of its state (a full backend), or the later ones upload less (incremental).
  { name: 'sizes', apply: (rb, p) => rb.checkpoints.forEach((c, i) => (c.checkpointedSize = p.incremental ? c.stateSize : i > 0 ? 1 : c.stateSize)), key: /checkpointed_size/ },
  { name: 'restore mode', apply: (rb) => (rb.resumedFrom!.onDisk = false), key: /resumed-from snapshot/ },
  { name: 'scheduler in log', apply: (rb, p) => (rb.schedulerInLog = p.scheduler === 'adaptive' ? 'default' : 'adaptive'), key: /Running initialization/ },
];

describe('profile applied', () => {
  test('property: what Flink reports for an applied profile passes, with an info reason per read-back', () => {
    fc.assert(
      fc.property(profileArb, restoreArb, fc.boolean(), (p, restoredFrom, savepoint) => {
        const rb = appliedReadBack(p, { restoredFrom, savepoint });
        expect(profileFindings(p, rb).filter((f) => f.status !== 'ok')).toEqual([]);
        const reasons = profileReasons(historyOf(checkEvent(p, rb)), p);
        expect(decide(reasons).outcome).toBe('pass');
        expect(reasons.map((r) => r.code)).toEqual(['profile.applied']);
      }),
    );
  });

  test('property: any setting the cluster did not take is a FAIL profile.not-applied naming the key, expected and actual', () => {
    fc.assert(
      fc.property(profileArb, fc.constantFrom(...breakages), (p, b) => {
        // A CLAIM resume that keeps its snapshot and takes a full first checkpoint is only not verified (see the CLAIM test).
        fc.pre(!(b.name === 'restore mode' && p.restoreMode === 'CLAIM'));
        // Full-sized checkpoints never contradict incremental (see the test below).
        fc.pre(!(b.name === 'sizes' && p.incremental));
        const restoredFrom = b.name === 'restore mode' ? 7 : undefined;
        const rb = appliedReadBack(p, { restoredFrom });
        b.apply(rb, p);
        // Judged from the data, even when the recorded check claims ok.
        const event = { ...checkEvent(p, appliedReadBack(p, { restoredFrom })), data: { readBack: rb } } as HistoryEvent;
        const reasons = profileReasons(historyOf(event), p);
        expect(decide(reasons).outcome).toBe('fail');
        const failed = reasons.filter((r) => r.code === 'profile.not-applied');
        expect(failed.some((r) => b.key.test(String(r.evidence?.key)))).toBe(true);
        for (const r of failed) expect(r.evidence).toMatchObject({ expected: expect.any(String), actual: expect.any(String), key: expect.any(String) });
      }),
    );
  });

  test('property: a read-back without the checkpoint configuration or checkpoints is inconclusive, never a pass', () => {
    fc.assert(
      fc.property(profileArb, fc.constantFrom('no-config', 'no-checkpoints'), (p, gap) => {
        const rb = appliedReadBack(p);
        if (gap === 'no-config') delete rb.checkpointConfig;
        else rb.checkpoints = [];
        const o = decide(profileReasons(historyOf(checkEvent(p, rb)), p));
        expect(o.outcome).toBe('inconclusive');
        expect(o.reasons.some((r) => r.code === 'profile.not-verified')).toBe(true);
      }),
    );
  });

  test('property: a cluster setting one job did not show (stopped early) is shown by another; the restore mode only by the resumed job itself', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 1, max: 50 }), (p, restoredFrom) => {
        // The stopped job: a single checkpoint, so neither sizes nor checkpoint types say anything.
        const stopped = { ...appliedReadBack(p, { savepoint: true }), jobId: 'stopped' };
        stopped.checkpoints = stopped.checkpoints.slice(0, 1);
        const resumed = { ...appliedReadBack(p, { restoredFrom }), jobId: 'resumed' };
        expect(decide(profileReasons(historyOf(checkEvent(p, stopped)), p)).outcome).toBe('inconclusive');
        expect(decide(profileReasons(historyOf(checkEvent(p, stopped), checkEvent(p, resumed)), p)).outcome).toBe('pass');
        // A mismatch in any read-back still fails.
        const wrong = { ...stopped, checkpointConfig: { ...stopped.checkpointConfig, interval: 4321 } };
        expect(decide(profileReasons(historyOf(checkEvent(p, wrong), checkEvent(p, resumed)), p)).outcome).toBe('fail');
        // The resumed job's restore-mode evidence missing is not made up by another job that shows it.
        const blind = { ...resumed, jobId: 'resumed-2', resumedFrom: { ...resumed.resumedFrom!, onDisk: undefined } };
        fc.pre(p.restoreMode !== 'CLAIM');
        const o = decide(profileReasons(historyOf(checkEvent(p, resumed), checkEvent(p, blind)), p));
        expect(o.outcome).toBe('inconclusive');
        expect(o.reasons.find((r) => r.effect === 'inconclusive')?.evidence).toMatchObject({ jobId: 'resumed-2' });
      }),
    );
  });

  test('unaligned (timeout 0): a job whose checkpoints all came out aligned (nothing in flight) is not a fail; another job showing UNALIGNED_CHECKPOINT verifies it; none is inconclusive; an aligned profile showing one fails', () => {
    const p: ExpectedProfile = { name: 'production', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'unaligned', alignedTimeoutMs: 0 }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'native', scheduler: 'adaptive', changelog: false };
    const stopped = { ...appliedReadBack(p, { savepoint: true }), jobId: 'stopped' };
    // The resumed job of the 3 Dec CI run: input complete, three checkpoints, all CHECKPOINT.
    const idle = { ...appliedReadBack(p, { restoredFrom: 10 }), jobId: 'resumed' };
    idle.checkpoints.forEach((c) => (c.checkpointType = 'CHECKPOINT'));
    expect(profileFindings(p, idle).find((f) => f.setting === 'checkpoint type')?.status).toBe('unknown');
    expect(decide(profileReasons(historyOf(checkEvent(p, stopped), checkEvent(p, idle)), p)).outcome).toBe('pass');
    const o = decide(profileReasons(historyOf(checkEvent(p, idle)), p));
    expect(o.outcome).toBe('inconclusive');
    expect(o.reasons).toContainEqual(expect.objectContaining({ code: 'profile.not-verified', evidence: expect.objectContaining({ setting: 'checkpoint type' }) }));
    const aligned: ExpectedProfile = { ...p, name: 'aligned', checkpoints: { mode: 'aligned' } };
    const contradicted = appliedReadBack(aligned);
    contradicted.checkpoints[2]!.checkpointType = 'UNALIGNED_CHECKPOINT';
    expect(profileReasons(historyOf(checkEvent(aligned, contradicted)), aligned)).toContainEqual(expect.objectContaining({ code: 'profile.not-applied', evidence: expect.objectContaining({ setting: 'checkpoint type', actual: 'CHECKPOINT,UNALIGNED_CHECKPOINT' }) }));
  });

  test('no read-back at all is inconclusive', () => {
    const p: ExpectedProfile = { name: 'x', stateBackend: 'hashmap', incremental: false, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'canonical', scheduler: 'default', changelog: false };
    expect(profileReasons(historyOf({ t: 1, kind: 'note', text: 'x' }), p)).toMatchObject([{ code: 'profile.not-verified', effect: 'inconclusive' }]);
  });

  test('NO_CLAIM with incremental RocksDB: a first checkpoint after the restore that is incremental fails; one that left the history is not verified', () => {
    const p: ExpectedProfile = { name: 'no-claim', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'native', scheduler: 'default', changelog: false };
    const rb = appliedReadBack(p, { restoredFrom: 20 });
    rb.checkpoints[0]!.checkpointedSize = 100;
    const failed = profileReasons(historyOf(checkEvent(p, rb)), p);
    expect(failed).toContainEqual(expect.objectContaining({ code: 'profile.not-applied', evidence: expect.objectContaining({ setting: 'first checkpoint after a NO_CLAIM restore', expected: 'full', actual: 'incremental' }) }));
    const gone = appliedReadBack(p, { restoredFrom: 20 });
    gone.checkpoints.shift();
    // A failover's restore (no resume by the harness) is not judged for the claim mode.
    const failover = appliedReadBack(p, { restoredFrom: 20 });
    delete failover.resumedFrom;
    failover.restored = { id: 20, isSavepoint: false, path: `file:/tmp/flink-checkpoints-directory/${failover.jobId}/chk-20` };
    failover.checkpoints[0]!.checkpointedSize = 100;
    expect(decide(profileReasons(historyOf(checkEvent(p, failover)), p)).outcome).toBe('pass');
    // A restore of a snapshot not its own that the harness did not record as a resume: its restore mode is unknown, never a pass.
    const unrecorded = appliedReadBack(p, { restoredFrom: 20 });
    delete unrecorded.resumedFrom;
    const reasons = profileReasons(historyOf(checkEvent(p, unrecorded)), p);
    expect(decide(reasons).outcome).toBe('inconclusive');
    expect(reasons).toContainEqual(expect.objectContaining({ code: 'profile.not-verified', evidence: expect.objectContaining({ setting: 'restore mode NO_CLAIM', key: 'latest.restored of a resume the harness did not record' }) }));
    expect(decide(profileReasons(historyOf(checkEvent(p, gone)), p)).outcome).toBe('inconclusive');
  });

  test('NO_CLAIM: a first attempt that failed (a kill during it) is passed over: the first completed one after the restore is judged', () => {
    const p: ExpectedProfile = { name: 'no-claim', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'native', scheduler: 'default', changelog: false };
    const rb = appliedReadBack(p, { restoredFrom: 20 });
    // Attempt 21 failed; 22 onwards as the helper made them (22 full, later incremental).
    rb.checkpoints = [{ ...rb.checkpoints[0]!, id: 21, status: 'FAILED', checkpointedSize: 50 }, ...rb.checkpoints.map((c) => ({ ...c, id: c.id + 1 }))];
    expect(decide(profileReasons(historyOf(checkEvent(p, rb)), p)).outcome).toBe('pass');
    // The attempt after the failed one incremental: NO_CLAIM did not force a full checkpoint.
    rb.checkpoints[1]!.checkpointedSize = 100;
    expect(profileReasons(historyOf(checkEvent(p, rb)), p)).toContainEqual(expect.objectContaining({ code: 'profile.not-applied' }));
    // One still in progress: not verified yet.
    rb.checkpoints[1]!.status = 'IN_PROGRESS';
    expect(decide(profileReasons(historyOf(checkEvent(p, rb)), p)).outcome).toBe('inconclusive');
  });

  test('CLAIM: a deleted snapshot or a first checkpoint sharing its files shows the claim; kept and full proves nothing; NO_CLAIM with a deleted snapshot fails', () => {
    const claim: ExpectedProfile = { name: 'claim', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'CLAIM', savepointFormat: 'native', scheduler: 'default', changelog: false };
    const rb = appliedReadBack(claim, { restoredFrom: 11 });
    expect(decide(profileReasons(historyOf(checkEvent(claim, rb)), claim)).outcome).toBe('pass');
    rb.resumedFrom!.onDisk = true;
    expect(decide(profileReasons(historyOf(checkEvent(claim, rb)), claim)).outcome).toBe('inconclusive');
    rb.checkpoints[0]!.checkpointedSize = 1;
    expect(decide(profileReasons(historyOf(checkEvent(claim, rb)), claim)).outcome).toBe('pass');
    const noClaim = { ...claim, name: 'no-claim', restoreMode: 'NO_CLAIM' as const };
    const deleted = appliedReadBack(noClaim, { restoredFrom: 11 });
    deleted.resumedFrom!.onDisk = false;
    expect(profileReasons(historyOf(checkEvent(noClaim, deleted)), noClaim)).toContainEqual(expect.objectContaining({ code: 'profile.not-applied', evidence: expect.objectContaining({ expected: 'kept', actual: 'deleted' }) }));
  });

  test('incremental: full-sized checkpoints prove nothing, however many (inconclusive: compaction can rewrite a small state each time); one smaller upload verifies it', () => {
    const p: ExpectedProfile = { name: 'inc', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'canonical', scheduler: 'default', changelog: false };
    const rb = appliedReadBack(p);
    for (const c of rb.checkpoints) c.checkpointedSize = c.stateSize;
    expect(decide(profileReasons(historyOf(checkEvent(p, rb)), p)).outcome).toBe('inconclusive');
    rb.checkpoints.at(-1)!.checkpointedSize = 1;
    expect(decide(profileReasons(historyOf(checkEvent(p, rb)), p)).outcome).toBe('pass');
  });

  test('a savepoint in the wrong format fails', () => {
    const p: ExpectedProfile = { name: 'native', stateBackend: 'rocksdb', incremental: true, checkpoints: { mode: 'aligned' }, checkpointIntervalMs: 1000, restoreMode: 'NO_CLAIM', savepointFormat: 'native', scheduler: 'default', changelog: false };
    const rb = appliedReadBack(p, { savepoint: true });
    rb.savepointFormatsInLog = [{ id: 9, format: 'CANONICAL' }];
    expect(profileReasons(historyOf(checkEvent(p, rb)), p)).toContainEqual(expect.objectContaining({ code: 'profile.not-applied', evidence: expect.objectContaining({ setting: 'savepoint format', expected: 'NATIVE', actual: 'CANONICAL' }) }));
  });

  test('property: an incremental profile whose checkpoints each uploaded all their state is not verified by sizes, never a fail', () => {
    fc.assert(
      fc.property(profileArb.filter((p) => p.incremental), (p) => {
        const rb = appliedReadBack(p, {});
        rb.checkpoints.forEach((c) => (c.checkpointedSize = c.stateSize));
        const sizes = profileFindings(p, rb).find((f) => f.setting === 'incremental checkpoints (sizes)');
        expect(sizes?.status).toBe('unknown');
        expect(decide(profileReasons(historyOf({ ...checkEvent(p, rb), data: { readBack: rb } } as HistoryEvent), p)).outcome).not.toBe('fail');
      }),
    );
  });

  test('checkpointKind: less uploaded than covered is incremental; sizes missing or zero say nothing', () => {
    expect(checkpointKind({ id: 1, status: 'COMPLETED', isSavepoint: false, checkpointedSize: 1, stateSize: 2 })).toBe('incremental');
    expect(checkpointKind({ id: 1, status: 'COMPLETED', isSavepoint: false, checkpointedSize: 2, stateSize: 2 })).toBe('full');
    expect(checkpointKind({ id: 1, status: 'COMPLETED', isSavepoint: false, checkpointedSize: 0, stateSize: 0 })).toBeUndefined();
    expect(checkpointKind({ id: 1, status: 'COMPLETED', isSavepoint: false })).toBeUndefined();
    expect(PROFILE_CHECK).toBe('profile-applied');
  });
});
