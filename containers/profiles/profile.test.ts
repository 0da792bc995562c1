import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import { profiledFlinkProperties } from './cluster-properties.js';
import { profileFlinkProperties, restoreModeCliArgs, restoreModeRestField } from './flink-options.js';
import { PROFILES, profileNamed, profileProblems, releaseCapabilities, type Profile } from './profile.js';

export const profileArb: fc.Arbitrary<Profile> = fc.record({
  name: fc.constant('generated'),
  description: fc.constant('generated'),
  stateBackend: fc.constantFrom('hashmap', 'rocksdb', 'forst'),
  incremental: fc.boolean(),
  checkpoints: fc.oneof(
    fc.constant({ mode: 'aligned' as const }),
    fc.record({ mode: fc.constant('unaligned' as const), alignedTimeoutMs: fc.integer({ min: 0, max: 60_000 }) }),
  ),
  checkpointIntervalMs: fc.integer({ min: 10, max: 60_000 }),
  restoreMode: fc.constantFrom('CLAIM', 'NO_CLAIM', 'LEGACY'),
  savepointFormat: fc.constantFrom('canonical', 'native'),
  scheduler: fc.constantFrom('default', 'adaptive'),
  changelog: fc.boolean(),
});

const releaseArb = fc.constantFrom('1.20.0', '1.20.3', '2.0.0', '2.1.1', '2.2.1', '2.3.0');
/** Key names only one line reads (FLIP-406 renamed them in 2.x; 1.20 keeps the names every 1.x reads). */
const ONLY_2X = ['execution.checkpointing.incremental', 'execution.checkpointing.unaligned.enabled', 'execution.state-recovery.claim-mode', 'state.changelog.enabled'];
const ONLY_1X = ['state.backend.incremental', 'execution.checkpointing.unaligned', 'execution.savepoint-restore-mode', 'state.backend.changelog.enabled'];

describe('profiles', () => {
  test('every named profile has a unique name and runs on 2.2.1; all but forst on 1.20.3', () => {
    expect(new Set(PROFILES.map((p) => p.name)).size).toBe(PROFILES.length);
    for (const name of ['playground', 'rocksdb-incremental', 'unaligned', 'adaptive', 'no-claim', 'production']) expect(profileNamed(name).name).toBe(name);
    for (const p of PROFILES) {
      expect(profileProblems(p, releaseCapabilities('2.2.1')), p.name).toEqual([]);
      expect(profileProblems(p, releaseCapabilities('1.20.3')).length > 0, p.name).toBe(p.stateBackend === 'forst');
    }
  });

  test("playground is today's configuration: hashmap, full aligned checkpoints every 1 s, default scheduler", () => {
    expect(profileFlinkProperties(profileNamed('playground'), releaseCapabilities('2.2.1'))).toMatchObject({
      'state.backend.type': 'hashmap',
      'execution.checkpointing.incremental': 'false',
      'execution.checkpointing.unaligned.enabled': 'false',
      'jobmanager.scheduler': 'default',
      'state.changelog.enabled': 'false',
    });
  });

  test('production: RocksDB incremental, unaligned, adaptive, NO_CLAIM', () => {
    expect(profileFlinkProperties(profileNamed('production'), releaseCapabilities('2.2.1'))).toMatchObject({
      'state.backend.type': 'rocksdb',
      'execution.checkpointing.incremental': 'true',
      'execution.checkpointing.unaligned.enabled': 'true',
      'execution.checkpointing.aligned-checkpoint-timeout': '0 ms',
      'jobmanager.scheduler': 'adaptive',
      'execution.state-recovery.claim-mode': 'NO_CLAIM',
    });
  });

  test('an unknown profile is one error naming every valid one', () => {
    const e = (() => {
      try {
        profileNamed('rocks');
      } catch (x) {
        return x as HarnessError;
      }
    })();
    expect(e).toBeInstanceOf(HarnessError);
    for (const p of PROFILES) expect(e!.fix).toContain(p.name);
  });

  test('forst on 1.20 is one error naming the backends 1.20 has', () => {
    expect(() => profileFlinkProperties(profileNamed('forst'), releaseCapabilities('1.20.3'))).toThrow(/state backend 'forst' is not in Flink 1\.20\.3 \(valid: hashmap, rocksdb\)/);
  });

  test('forst with canonical savepoints is refused (ForSt takes native savepoints only); the named forst profile takes native', () => {
    expect(profileProblems({ ...profileNamed('forst'), savepointFormat: 'canonical' }, releaseCapabilities('2.2.1'))).toContain('the forst backend takes native savepoints only (savepointFormat: native)');
    expect(profileProblems(profileNamed('forst'), releaseCapabilities('2.2.1'))).toEqual([]);
  });

  test('property: a profile maps to keys iff it has no problem on the release, with only that line\'s key names', () => {
    fc.assert(
      fc.property(profileArb, releaseArb, (p, version) => {
        const release = releaseCapabilities(version);
        const problems = profileProblems(p, release);
        if (problems.length > 0) {
          expect(() => profileFlinkProperties(p, release)).toThrow(HarnessError);
          return;
        }
        const props = profileFlinkProperties(p, release);
        const keys = Object.keys(props);
        for (const k of release.major >= 2 ? ONLY_1X : ONLY_2X) expect(keys).not.toContain(k);
        expect(props['state.backend.type']).toBe(p.stateBackend);
        expect(props['jobmanager.scheduler']).toBe(p.scheduler);
        // Never the interval: the job sets it, and as a cluster key it would enable checkpoints for the control job.
        expect(keys).not.toContain('execution.checkpointing.interval');
        expect(Object.values(props).some((v) => v.includes('\n'))).toBe(false);
        expect(restoreModeCliArgs(p.restoreMode, release)).toEqual([release.major >= 2 ? '-claimMode' : '-restoreMode', p.restoreMode]);
        expect(Object.values(restoreModeRestField(p.restoreMode, release))).toEqual([p.restoreMode]);
      }),
    );
  });

  test('property: incremental on hashmap and changelog with NO_CLAIM are refused on every release', () => {
    fc.assert(
      fc.property(profileArb, releaseArb, (p, version) => {
        const problems = profileProblems(p, releaseCapabilities(version)).join('; ');
        if (p.incremental && p.stateBackend === 'hashmap') expect(problems).toMatch(/incremental/);
        if (p.changelog && p.restoreMode === 'NO_CLAIM') expect(problems).toMatch(/NO_CLAIM/);
      }),
    );
  });

  test('the scenario\'s own keys win over the profile, the profile over the team\'s file', () => {
    const props = profiledFlinkProperties({
      profile: profileNamed('rocksdb-incremental'),
      release: releaseCapabilities('2.2.1'),
      teamConf: { source: 'x.yaml', properties: { 'metrics.latency.interval': '1000', 'jobmanager.scheduler': 'adaptive' }, warnings: [] },
      scenario: { 'rest.flamegraph.enabled': 'false' },
    });
    expect(props).toMatchObject({ 'metrics.latency.interval': '1000', 'state.backend.type': 'rocksdb', 'jobmanager.scheduler': 'default', 'rest.flamegraph.enabled': 'false' });
  });
});

describe('resolveProfile (npm start --profile / --flink-conf)', () => {
  test('HARNESS_PROFILE and HARNESS_FLINK_CONF resolve to one profile, or one error before any container starts', async () => {
    const { resolveProfile } = await import('./resolve.js');
    expect(resolveProfile({ profile: 'production', flinkVersion: '2.2.1' }).profile.name).toBe('production');
    expect(() => resolveProfile({ profile: 'forst', flinkVersion: '1.20.3' })).toThrow(/valid: hashmap, rocksdb/);
    expect(() => resolveProfile({ profile: 'nope', flinkVersion: '2.2.1' })).toThrow(/Unknown profile 'nope'/);
    expect(() => resolveProfile({ profile: 'playground', flinkVersion: '2.2.1', flinkConf: '/nonexistent/config.yaml' })).toThrow(/Cannot read/);
  });
});
