import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../config/settings.js';
import type { Verdict } from '../../assertions/verdict.js';
import { classifyCell } from './calibration-cell.js';
import { CALIBRATION_SCENARIOS, calibrationPlan, MUTANTS } from './calibration-mutants.js';

const MUTANT_SOURCES = path.join(REPO_ROOT, 'job/src/mutants/java/org/apache/flink/playgrounds/ops/clickcount/mutants');

describe('mutant catalogue', () => {
  test('every mutant in the catalogue is a JobVariant of the mutant build, registered as a service, and has a catcher', () => {
    const sources = readdirSync(MUTANT_SOURCES).map((f) => readFileSync(path.join(MUTANT_SOURCES, f), 'utf8'));
    const names = sources.flatMap((s) => [...s.matchAll(/public String name\(\) \{\s*return "([^"]+)";/g)].map((m) => m[1]));
    expect(names.sort()).toEqual(MUTANTS.map((m) => m.name).sort());
    const services = readFileSync(path.join(REPO_ROOT, 'job/src/mutants/resources/META-INF/services/org.apache.flink.playgrounds.ops.clickcount.JobVariant'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(services).toHaveLength(MUTANTS.length);
    for (const m of MUTANTS) expect(m.catchers.length, m.name).toBeGreaterThan(0);
  });

  test('the default build compiles no mutant: src/mutants/ is only a source root of the mutant profile', () => {
    const pom = readFileSync(path.join(REPO_ROOT, 'job/pom.xml'), 'utf8');
    const [main, profiles] = pom.replace(/<!--[\s\S]*?-->/g, '').split('<profiles>');
    expect(main).not.toContain('src/mutants');
    expect(profiles).toContain('<name>mutant</name>');
    expect(profiles).toContain('src/mutants/java');
  });

  test('nightly plans every mutant x scenario; smoke one mutant from the seed, through its catchers only', () => {
    expect(calibrationPlan('nightly', 1).flatMap((p) => p.scenarios.map((s) => `${p.mutant.name}/${s}`))).toHaveLength(MUTANTS.length * CALIBRATION_SCENARIOS.length);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const plan = calibrationPlan('smoke', seed);
        expect(plan).toHaveLength(1);
        expect(plan[0]!.scenarios).toEqual(CALIBRATION_SCENARIOS.filter((s) => plan[0]!.mutant.catchers.includes(s)));
        expect(calibrationPlan('smoke', seed)[0]!.mutant.name).toBe(plan[0]!.mutant.name);
      }),
    );
    // Every mutant is drawn by some seed.
    expect(new Set(MUTANTS.map((_, i) => calibrationPlan('smoke', i)[0]!.mutant.name)).size).toBe(MUTANTS.length);
  });
});

const verdict = (problems: unknown[]): Verdict => ({ ok: !problems.some((p) => (p as { severity: string }).severity === 'failure'), problems }) as unknown as Verdict;

describe('classifying a cell', () => {
  test('a failing verdict is a catch, with its problem kinds as codes', () => {
    const c = classifyCell(verdict([{ kind: 'wrong-count', severity: 'failure' }, { kind: 'identical-duplicate', severity: 'tolerated' }]), undefined, undefined);
    expect(c).toMatchObject({ status: 'caught', codes: ['oracle.wrong-count'] });
  });
  test('a fail reason of the outcome besides the verdict (fence, exactly-once end state) is a catch', () => {
    const c = classifyCell(verdict([]), { outcome: 'fail', reasons: [{ code: 'eos.lingering-transaction', effect: 'fail', message: '' }] }, undefined);
    expect(c).toMatchObject({ status: 'caught', codes: ['eos.lingering-transaction'] });
  });
  test('a passing verdict whose control was not detected is a survivor, not a catch', () => {
    const c = classifyCell(verdict([]), { outcome: 'fail', reasons: [{ code: 'control.not-detected', effect: 'fail', message: '' }] }, new Error('scenario x: fail'));
    expect(c.status).toBe('survived');
  });
  test('no verdict is an error; a scenario error or assertion is never a catch', () => {
    expect(classifyCell(undefined, { outcome: 'fail', reasons: [{ code: 'scenario.error', effect: 'fail', message: '' }] }, new Error('boom')).status).toBe('error');
  });
  test('an inconclusive outcome is inconclusive, never survived', () => {
    expect(classifyCell(verdict([]), { outcome: 'inconclusive', reasons: [{ code: 'fault.kill-taskmanager.no-effect', effect: 'inconclusive', message: '' }] }, undefined).status).toBe('inconclusive');
    expect(classifyCell(verdict([]), undefined, Object.assign(new Error('skipped'), { code: 'VITEST_PENDING' })).status).toBe('inconclusive');
  });
});
