import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_FLINK_VERSION, loadSettings, LTS_FLINK_VERSION, parseVersionList } from './settings.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['FLINK_VERSION', 'FLINK_VERSIONS', 'HARNESS_TIER', 'HARNESS_UPGRADE_FROM', 'HARNESS_UPGRADE_TO']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('version matrix settings', () => {
  test('parseVersionList trims, drops blanks and repeats, keeps order', () => {
    expect(parseVersionList(' 2.2.1, 1.20.3,,2.2.1 ')).toEqual(['2.2.1', '1.20.3']);
    expect(parseVersionList('')).toEqual([]);
  });

  test('FLINK_VERSIONS wins; else smoke runs FLINK_VERSION alone and nightly the LTS and the newest 2.x', () => {
    delete process.env.FLINK_VERSIONS;
    delete process.env.HARNESS_TIER;
    process.env.FLINK_VERSION = '2.1.3';
    expect(loadSettings().flinkVersions).toEqual(['2.1.3']);
    process.env.HARNESS_TIER = 'nightly';
    expect(loadSettings().flinkVersions).toEqual([LTS_FLINK_VERSION, DEFAULT_FLINK_VERSION]);
    process.env.FLINK_VERSIONS = '1.20.3,2.0.2';
    expect(loadSettings().flinkVersions).toEqual(['1.20.3', '2.0.2']);
  });

  test('the upgrade goes from the LTS to the default release unless set, independent of FLINK_VERSION', () => {
    delete process.env.HARNESS_UPGRADE_FROM;
    delete process.env.HARNESS_UPGRADE_TO;
    process.env.FLINK_VERSION = '1.20.3';
    expect(loadSettings().upgrade).toEqual({ from: LTS_FLINK_VERSION, to: DEFAULT_FLINK_VERSION });
    process.env.HARNESS_UPGRADE_FROM = '2.1.3';
    process.env.HARNESS_UPGRADE_TO = '2.2.1';
    expect(loadSettings().upgrade).toEqual({ from: '2.1.3', to: '2.2.1' });
  });
});
