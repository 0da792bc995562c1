import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import { availableScenarios, selectScenarios } from './catalogue.js';

describe('scenario catalogue', () => {
  test('lists the scenario files', () => {
    expect(availableScenarios()).toContain('playground');
  });

  test('an unknown scenario is a clear error naming the known ones', () => {
    let error: unknown;
    try {
      selectScenarios(['playground', 'no-such-thing'], ['playground', 'rescale']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).message).toContain("'no-such-thing'");
    expect((error as HarnessError).fix).toContain('playground, rescale');
  });

  test('no names selects every scenario', () => {
    expect(selectScenarios([], ['a', 'b'])).toEqual(['scenarios/a.test.ts', 'scenarios/b.test.ts']);
  });
});
