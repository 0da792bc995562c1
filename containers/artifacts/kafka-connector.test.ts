import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import type { ConnectorChoice, KafkaConnectorSettings } from '../../config/settings.js';
import { implementationVersion } from './connector-jar.js';
import {
  checkConnectorMapReleases,
  connectorLine,
  dependencyTemplate,
  nearestOlderConnector,
  newestForLine,
  selectKafkaConnector,
} from './kafka-connector.js';
import { compareVersions, minorLine } from './versions.js';

// Maven Central's flink-connector-kafka versions and PyPI's apache-flink releases as of December 2026.
const CENTRAL = (
  '0.9.0 0.9.0-hadoop1 0.10.2 0.10.2-hadoop1 1.15.0 1.16.3 1.17.0 1.17.2 3.0.0-1.17 3.0.1-1.17 3.0.1-1.18 3.0.2-1.17 3.0.2-1.18 ' +
  '3.1.0-1.17 3.1.0-1.18 3.2.0-1.18 3.2.0-1.19 3.3.0-1.19 3.3.0-1.20 3.4.0-1.20 4.0.0-2.0 4.0.1-2.0 5.0.0-2.1 5.0.0-2.2'
).split(' ');
const RELEASES = '1.19.3 1.20.0 1.20.3 1.20.5 2.0.0 2.0.2 2.1.0 2.1.3 2.2.0 2.2.1 2.3.0'.split(' ');
const registries = { central: CENTRAL, oldestLine: '1.20' };
const none: KafkaConnectorSettings = { perRelease: {} };

const thrown = (f: () => unknown): HarnessError => {
  try {
    f();
  } catch (e) {
    if (e instanceof HarnessError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

describe('a connector per Flink release', () => {
  test("each release gets its own line's newest connector from Maven Central", () => {
    expect(selectKafkaConnector('2.2.1', none, registries)).toEqual({ kind: 'maven', version: '5.0.0-2.2', source: 'Maven Central' });
    expect(selectKafkaConnector('1.20.3', none, registries)).toEqual({ kind: 'maven', version: '3.4.0-1.20', source: 'Maven Central' });
    expect(selectKafkaConnector('2.0.2', none, registries)).toMatchObject({ version: '4.0.1-2.0' });
  });

  test('2.3.0 has no connector of its line: one error that suggests exactly the setting that makes it usable', () => {
    const e = thrown(() => selectKafkaConnector('2.3.0', none, registries));
    expect(e.message).toBe('Flink 2.3.0 has no flink-connector-kafka of its line (2.3) on Maven Central (connectors exist for lines 1.20, 2.0, 2.1, 2.2).');
    expect(e.fix).toContain('KAFKA_CONNECTOR_VERSIONS=2.3.0=5.0.0-2.2');
    expect(e.fix).toContain('KAFKA_CONNECTOR_VERSIONS=2.3.0=jar:');
  });

  test('...and the setting it suggests, per release, per line, or the global one, is accepted (the pre-check of npm start)', () => {
    const maven = (version: string) => ({ kind: 'maven' as const, version });
    expect(selectKafkaConnector('2.3.0', { perRelease: { '2.3.0': maven('5.0.0-2.2') } }, registries)).toEqual({ ...maven('5.0.0-2.2'), source: 'KAFKA_CONNECTOR_VERSIONS' });
    expect(selectKafkaConnector('2.3.0', { perRelease: { '2.3': maven('5.0.0-2.2') } }, registries)).toEqual({ ...maven('5.0.0-2.2'), source: 'KAFKA_CONNECTOR_VERSIONS' });
    expect(selectKafkaConnector('2.3.0', { perRelease: {}, all: '5.0.0-2.2' }, registries)).toEqual({ ...maven('5.0.0-2.2'), source: 'KAFKA_CONNECTOR_VERSION' });
  });

  test('an upgrade across lines: each side keeps its own connector when only the new release is named', () => {
    const settings: KafkaConnectorSettings = { perRelease: { '2.3.0': { kind: 'maven', version: '5.0.0-2.2' } } };
    expect(selectKafkaConnector('1.20.3', settings, registries)).toMatchObject({ version: '3.4.0-1.20', source: 'Maven Central' });
    expect(selectKafkaConnector('2.3.0', settings, registries)).toMatchObject({ version: '5.0.0-2.2', source: 'KAFKA_CONNECTOR_VERSIONS' });
  });

  test('a named version must exist on Maven Central or in the local Maven repository', () => {
    const settings: KafkaConnectorSettings = { perRelease: { '2.3.0': { kind: 'maven', version: '5.0.1-2.2' } } };
    const e = thrown(() => selectKafkaConnector('2.3.0', settings, registries));
    expect(e.message).toBe('KAFKA_CONNECTOR_VERSIONS: flink-connector-kafka 5.0.1-2.2 (for Flink 2.3.0) is neither on Maven Central nor in the local Maven repository.');
    expect(e.fix).toContain('5.0.0-2.2');
    expect(selectKafkaConnector('2.3.0', settings, { ...registries, inLocalRepository: (v) => v === '5.0.1-2.2' })).toMatchObject({ version: '5.0.1-2.2' });
    expect(() => selectKafkaConnector('2.2.1', { perRelease: {}, all: '9.9.9-2.2' }, registries)).toThrow(/KAFKA_CONNECTOR_VERSION: flink-connector-kafka 9\.9\.9-2\.2/);
    // A connector of a line Central does not have yet: the example is the one to try instead.
    expect(thrown(() => selectKafkaConnector('2.3.0', { perRelease: { '2.3.0': { kind: 'maven', version: '5.0.0-2.3' } } }, registries)).fix).toContain('(e.g. 5.0.0-2.2)');
  });

  test('a map entry for a release PyPI does not have is one error naming it', () => {
    expect(() => checkConnectorMapReleases({ '2.3.0': {}, '1.20': {} }, RELEASES)).not.toThrow();
    const e = thrown(() => checkConnectorMapReleases({ '2.2.1': {}, '2.9.9': {} }, RELEASES));
    expect(e.message).toBe('KAFKA_CONNECTOR_VERSIONS names 2.9.9, which is not an Apache Flink release on PyPI (apache-flink).');
    expect(thrown(() => checkConnectorMapReleases({ '2.4': {} }, RELEASES)).message).toContain('not an Apache Flink line');
  });

  test("a local jar takes its dependencies from its own version's POM, else from its line's or the release's", () => {
    expect(dependencyTemplate('5.0.0-2.2', '2.3.0', CENTRAL)).toBe('5.0.0-2.2');
    expect(dependencyTemplate('5.0.1-2.2', '2.3.0', CENTRAL)).toBe('5.0.0-2.2');
    expect(dependencyTemplate('5.1-SNAPSHOT', '2.2.1', CENTRAL)).toBe('5.0.0-2.2');
    expect(dependencyTemplate('5.0.0-2.3', '2.3.0', CENTRAL)).toBe('5.0.0-2.2');
    expect(dependencyTemplate(undefined, '1.20.3', CENTRAL)).toBe('3.4.0-1.20');
    expect(dependencyTemplate(undefined, '3.0.0', CENTRAL)).toBeUndefined();
  });

  test('MANIFEST.MF gives the jar its version', () => {
    expect(implementationVersion('Manifest-Version: 1.0\r\nImplementation-Title: Flink : Connectors : Kafka\r\nImplementation-Version: 5.0.0-2.2\r\n')).toBe('5.0.0-2.2');
    expect(implementationVersion('Manifest-Version: 1.0\n')).toBeUndefined();
  });
});

// Generated registries: lines of majors 1-3, connectors with random versions on random lines.
const line = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 6 })).map(([a, b]) => `${a}.${b}`);
const connector = fc.tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), line).map(([a, b, c, l]) => `${a}.${b}.${c}-${l}`);
const central = fc.uniqueArray(fc.oneof({ weight: 5, arbitrary: connector }, { weight: 1, arbitrary: fc.constantFrom('1.17.1', '0.10.2-hadoop1') }), { maxLength: 20 });
const release = fc.tuple(line, fc.integer({ min: 0, max: 5 })).map(([l, p]) => `${l}.${p}`);
const choice: fc.Arbitrary<ConnectorChoice> = fc.oneof(
  connector.map((version) => ({ kind: 'maven' as const, version })),
  fc.constant({ kind: 'jar' as const, path: '/tmp/flink-connector-kafka.jar' }),
);
const settings: fc.Arbitrary<KafkaConnectorSettings> = fc.record(
  { perRelease: fc.dictionary(fc.oneof(release, line), choice, { maxKeys: 4 }), all: fc.option(connector, { nil: undefined }) },
  { requiredKeys: ['perRelease'] },
);

describe('connector selection, generated', () => {
  prop.prop([release, settings, central])(
    "the release's entry wins over its line's, which wins over KAFKA_CONNECTOR_VERSION, which wins over Maven Central",
    (r, s, c) => {
      const everyNamedExists = { central: c, inLocalRepository: () => true, oldestLine: '1.20' };
      const expected = s.perRelease[r] ?? s.perRelease[minorLine(r)] ?? (s.all !== undefined ? { kind: 'maven', version: s.all } : undefined);
      let got;
      try {
        got = selectKafkaConnector(r, s, everyNamedExists);
      } catch (e) {
        // Only when nothing is named and Central has nothing for the release's line.
        expect(e).toBeInstanceOf(HarnessError);
        expect(expected).toBeUndefined();
        expect(newestForLine(c, minorLine(r))).toBeUndefined();
        return;
      }
      if (expected) expect(got).toMatchObject(expected);
      else expect(got).toEqual({ kind: 'maven', version: newestForLine(c, minorLine(r)), source: 'Maven Central' });
    },
  );

  prop.prop([release, central])("unnamed, a release only ever gets its own line's newest connector: never another line's", (r, c) => {
    try {
      const got = selectKafkaConnector(r, { perRelease: {} }, { central: c, oldestLine: '1.20' });
      if (got.kind !== 'maven') throw new Error('a jar without a setting');
      expect(connectorLine(got.version)).toBe(minorLine(r));
      for (const other of c) if (connectorLine(other) === minorLine(r)) expect(compareVersions(other, got.version)).toBeLessThanOrEqual(0);
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      expect(c.some((v) => connectorLine(v) === minorLine(r))).toBe(false);
      // The fix names the exact setting: the newest connector of the nearest older line of the same major, if any.
      const suggestion = nearestOlderConnector(c, minorLine(r));
      if (suggestion) {
        expect(e.fix).toContain(`KAFKA_CONNECTOR_VERSIONS=${r}=${suggestion}`);
        const l = connectorLine(suggestion)!;
        expect(l.split('.')[0]).toBe(r.split('.')[0]);
        expect(compareVersions(l, minorLine(r))).toBeLessThan(0);
        for (const v of c) {
          const vl = connectorLine(v);
          if (vl && vl.split('.')[0] === l.split('.')[0] && compareVersions(vl, minorLine(r)) < 0) expect(compareVersions(vl, l)).toBeLessThanOrEqual(0);
        }
      } else expect(e.fix).toContain(`KAFKA_CONNECTOR_VERSIONS=${r}=<connector version>`);
    }
  });

  prop.prop([release, connector, central])('a named Maven version that no repository has is refused, whichever setting names it', (r, v, c) => {
    fc.pre(!c.includes(v));
    const reg = { central: c, oldestLine: '1.20' };
    expect(() => selectKafkaConnector(r, { perRelease: { [r]: { kind: 'maven', version: v } } }, reg)).toThrow(HarnessError);
    expect(() => selectKafkaConnector(r, { perRelease: {}, all: v }, reg)).toThrow(HarnessError);
  });
});
