import { fc, test as prop } from '@fast-check/vitest';
import { afterEach, describe, expect, test } from 'vitest';
import { HarnessError } from './harness-error.js';
import {
  type ConnectorChoice,
  DEFAULT_FLINK_VERSION,
  formatConnectorMap,
  loadSettings,
  LTS_FLINK_VERSION,
  parseConnectorMap,
  parseVersionList,
} from './settings.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['FLINK_VERSION', 'FLINK_VERSIONS', 'HARNESS_TIER', 'HARNESS_UPGRADE_FROM', 'HARNESS_UPGRADE_TO', 'KAFKA_CONNECTOR_VERSION', 'KAFKA_CONNECTOR_VERSIONS']) {
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

const num = fc.integer({ min: 0, max: 30 });
const line = fc.tuple(fc.integer({ min: 1, max: 3 }), num).map(([a, b]) => `${a}.${b}`);
const releaseOrLine = fc.oneof(line, fc.tuple(line, num).map(([l, p]) => `${l}.${p}`));
const connectorVersion = fc.tuple(num, num, num, line).map(([a, b, c, l]) => `${a}.${b}.${c}-${l}`);
const jarPath = fc.stringMatching(/^\/[A-Za-z0-9_./ -]{1,40}\.jar$/);
const choice: fc.Arbitrary<ConnectorChoice> = fc.oneof(
  connectorVersion.map((version) => ({ kind: 'maven' as const, version })),
  jarPath.map((path) => ({ kind: 'jar' as const, path })),
);
const connectorMap = fc.dictionary(releaseOrLine, choice, { maxKeys: 6 });

describe('KAFKA_CONNECTOR_VERSIONS', () => {
  test('the issue\'s examples: a version per release, a local jar', () => {
    expect(parseConnectorMap('2.3.0=5.0.0-2.2,1.20.3=3.4.0-1.20')).toEqual({
      '2.3.0': { kind: 'maven', version: '5.0.0-2.2' },
      '1.20.3': { kind: 'maven', version: '3.4.0-1.20' },
    });
    expect(parseConnectorMap(' 2.3=jar:/opt/flink-connector-kafka.jar , ')).toEqual({ '2.3': { kind: 'jar', path: '/opt/flink-connector-kafka.jar' } });
    expect(parseConnectorMap('')).toEqual({});
  });

  prop.prop([connectorMap, fc.array(fc.constantFrom(' ', ''), { minLength: 4, maxLength: 4 })])(
    'parses what formatConnectorMap writes, whatever blanks surround the entries',
    (map, [a, b, c, d]) => {
      const text = formatConnectorMap(map)
        .split(',')
        .map((e) => `${a}${e.replace('=', `${b}=${c}`)}${d}`)
        .join(',');
      expect(parseConnectorMap(text)).toEqual(map);
    },
  );

  const malformed: [string, RegExp][] = [
    ['2.3.0', /'2\.3\.0' has no '='/],
    ['=5.0.0-2.2', /not a Flink release/],
    ['latest=5.0.0-2.2', /names 'latest', which is not a Flink release/],
    ['2.3.0.1=5.0.0-2.2', /not a Flink release/],
    ['2.3.0=', /neither a flink-connector-kafka version/],
    ['2.3.0=five', /gives 'five'/],
    ['2.3.0=jar:', /no path after jar:/],
    ['2.3.0=5.0.0-2.2,2.3.0=jar:/x.jar', /names 2\.3\.0 a second time/],
  ];
  test.each(malformed)('a malformed entry is one error naming it: %s', (text, message) => {
    const error = (() => {
      try {
        parseConnectorMap(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).message).toMatch(message);
    expect((error as HarnessError).message).not.toContain('\n');
    expect((error as HarnessError).fix).toContain('KAFKA_CONNECTOR_VERSIONS=2.3.0=5.0.0-2.2');
  });

  prop.prop([connectorMap, fc.integer({ min: 0, max: 5 }), fc.constantFrom('x', '2.3.0', '2.3.0=', '2.3.0=jar:', 'a=1.0')])(
    'one malformed entry anywhere fails the whole setting (never half a map)',
    (map, at, bad) => {
      const good = formatConnectorMap(map).split(',').filter(Boolean);
      const entries = [...good];
      entries.splice(Math.min(at, entries.length), 0, bad);
      expect(() => parseConnectorMap(entries.join(','))).toThrow(new RegExp(`entry '${bad.replace(/[.]/g, '\\.')}'`));
      // A release named twice is malformed too, even with a valid value.
      const keys = Object.keys(map);
      if (keys.length > 0) expect(() => parseConnectorMap(`${good.join(',')},${keys[0]}=1.0.0-2.2`)).toThrow(/second time/);
    },
  );

  test('loadSettings: the map beside the global KAFKA_CONNECTOR_VERSION, both optional', () => {
    delete process.env.KAFKA_CONNECTOR_VERSION;
    delete process.env.KAFKA_CONNECTOR_VERSIONS;
    expect(loadSettings().kafkaConnectors).toEqual({ perRelease: {}, all: undefined });
    process.env.KAFKA_CONNECTOR_VERSION = ' 5.0.0-2.2 ';
    process.env.KAFKA_CONNECTOR_VERSIONS = '1.20.3=3.4.0-1.20';
    expect(loadSettings().kafkaConnectors).toEqual({ perRelease: { '1.20.3': { kind: 'maven', version: '3.4.0-1.20' } }, all: '5.0.0-2.2' });
    process.env.KAFKA_CONNECTOR_VERSIONS = '1.20.3';
    expect(() => loadSettings()).toThrow(/KAFKA_CONNECTOR_VERSIONS: entry '1\.20\.3' has no '='/);
  });
});
