import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import { globToRegExp, readRunReport, selectScenarios } from './suite-run.js';

const available = ['exactly-once', 'failure-recovery', 'playground', 'savepoint-resume', 'upgrade'];

describe('selectScenarios', () => {
  test('no pattern: all scenarios', () => {
    expect(selectScenarios(undefined, available)).toEqual(available);
    expect(selectScenarios('  ', available)).toEqual(available);
  });

  test('names, globs, brace lists and file paths, comma-separated', () => {
    expect(selectScenarios('playground,upgrade', available)).toEqual(['playground', 'upgrade']);
    expect(selectScenarios('{playground,upgrade}', available)).toEqual(['playground', 'upgrade']);
    expect(selectScenarios('*-resume,exactly-*', available)).toEqual(['exactly-once', 'savepoint-resume']);
    expect(selectScenarios('scenarios/play*.test.ts', available)).toEqual(['playground']);
    expect(selectScenarios('upgrad?', available)).toEqual(['upgrade']);
  });

  test('a pattern matching nothing is a HarnessError naming the scenarios', () => {
    expect(() => selectScenarios('nope', available)).toThrow(HarnessError);
    expect(() => selectScenarios('nope', available)).toThrow(/matches no scenario/);
  });

  test('globs are anchored and regex characters are literal', () => {
    expect(globToRegExp('play').test('playground')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(() => globToRegExp('{a,b')).toThrow(/Unbalanced/);
  });
});

test('readRunReport: a folder or a report.json; null when absent', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'suite-run-'));
  expect(await readRunReport(dir)).toBeNull();
  await writeFile(path.join(dir, 'report.json'), JSON.stringify({ runId: 'r', scenarios: [] }));
  expect((await readRunReport(dir))?.runId).toBe('r');
  expect((await readRunReport(path.join(dir, 'report.json')))?.runId).toBe('r');
});
