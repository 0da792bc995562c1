import { afterEach, describe, expect, test } from 'vitest';
import { loadSettings } from '../../config/settings.js';
import { describeKafkaConnector, releaseFrom } from './flink-release.js';

// The pre-check of `npm start` (bin/harness.ts), the gate and the matrix: the
// environment as the user sets it -> loadSettings -> the release with its
// connector, on PyPI's and Maven Central's lists as of December 2026.
const REGISTRIES = {
  releases: '1.19.3 1.20.0 1.20.3 1.20.5 2.0.0 2.0.2 2.1.0 2.1.3 2.2.0 2.2.1 2.3.0 2.3.0rc1'.split(' '),
  central: '1.17.2 3.3.0-1.20 3.4.0-1.20 4.0.0-2.0 4.0.1-2.0 5.0.0-2.1 5.0.0-2.2'.split(' '),
};
const KEYS = ['KAFKA_CONNECTOR_VERSION', 'KAFKA_CONNECTOR_VERSIONS'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
const precheck = (version: string, env: Partial<Record<(typeof KEYS)[number], string>>) => {
  for (const k of KEYS) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return releaseFrom(version, loadSettings().kafkaConnectors, REGISTRIES);
};

describe('the pre-check of npm start, the gate and the matrix', () => {
  test('refuses 2.3.0 without a connector setting, with the fix to set', async () => {
    await expect(precheck('2.3.0', {})).rejects.toMatchObject({
      message: expect.stringContaining('Flink 2.3.0 has no flink-connector-kafka of its line (2.3)'),
      fix: expect.stringContaining('KAFKA_CONNECTOR_VERSIONS=2.3.0=5.0.0-2.2'),
    });
  });

  test('accepts 2.3.0 with the fix it suggests, and with the global KAFKA_CONNECTOR_VERSION its old message suggested', async () => {
    expect(describeKafkaConnector(await precheck('2.3.0', { KAFKA_CONNECTOR_VERSIONS: '2.3.0=5.0.0-2.2' }))).toBe('5.0.0-2.2 (KAFKA_CONNECTOR_VERSIONS)');
    expect(describeKafkaConnector(await precheck('2.3.0', { KAFKA_CONNECTOR_VERSION: '5.0.0-2.2' }))).toBe('5.0.0-2.2 (KAFKA_CONNECTOR_VERSION)');
  });

  test('both sides of a 1.20 -> 2.3.0 gate pass with one map, each with its own connector', async () => {
    const env = { KAFKA_CONNECTOR_VERSIONS: '2.3.0=5.0.0-2.2' };
    expect(await precheck('1.20.5', env)).toMatchObject({ kafkaConnector: '3.4.0-1.20', kafkaConnectorSource: 'Maven Central' });
    expect(await precheck('2.3.0', env)).toMatchObject({ kafkaConnector: '5.0.0-2.2', kafkaConnectorSource: 'KAFKA_CONNECTOR_VERSIONS' });
  });

  test('an unknown release, in FLINK_VERSION or in the map, is one error', async () => {
    await expect(precheck('2.3.1', {})).rejects.toThrow("Unknown FLINK_VERSION '2.3.1'");
    await expect(precheck('2.2.1', { KAFKA_CONNECTOR_VERSIONS: '2.3.1=5.0.0-2.2' })).rejects.toThrow('KAFKA_CONNECTOR_VERSIONS names 2.3.1, which is not an Apache Flink release');
    expect(() => loadSettings()).not.toThrow();
    process.env.KAFKA_CONNECTOR_VERSIONS = '2.3.0:5.0.0-2.2';
    expect(() => loadSettings()).toThrow("KAFKA_CONNECTOR_VERSIONS: entry '2.3.0:5.0.0-2.2' has no '='.");
  });
});
