import { HarnessError } from '../../config/harness-error.js';
import type { ConnectorChoice, KafkaConnectorSettings } from '../../config/settings.js';
import { compareVersions, minorLine } from './versions.js';

// Which org.apache.flink:flink-connector-kafka a Flink release's job is built
// against. Pure: the registries' lists come in as arguments, so the rules are
// tested without a network. Connectors are published per Flink line
// ("5.0.0-2.2" is built for 2.2); a release without a connector of its own line
// (2.3.0 today) is never given another line's silently: the user names one.

/** Where a release's connector came from (printed in reports). */
export type ConnectorSource = 'Maven Central' | 'KAFKA_CONNECTOR_VERSIONS' | 'KAFKA_CONNECTOR_VERSION';

export type SelectedConnector = ConnectorChoice & { source: ConnectorSource };

/** "5.0.0-2.2" -> "2.2"; connectors versioned like Flink itself ("1.17.1") have no line suffix. */
export function connectorLine(version: string): string | undefined {
  return /-(\d+\.\d+)$/.exec(version)?.[1];
}

/** The newest connector Maven Central has for `line`. */
export function newestForLine(central: string[], line: string): string | undefined {
  return central.filter((c) => connectorLine(c) === line).sort(compareVersions).at(-1);
}

/**
 * The connector to try for a release whose line has none: the newest one of
 * the nearest older line of the same major (2.3 -> 2.2's 5.0.0-2.2). None
 * across a major: its APIs differ.
 */
export function nearestOlderConnector(central: string[], line: string): string | undefined {
  const major = line.split('.')[0];
  const older = [...new Set(central.map(connectorLine).filter((l): l is string => l !== undefined))]
    .filter((l) => l.split('.')[0] === major && compareVersions(l, line) < 0)
    .sort(compareVersions);
  const nearest = older.at(-1);
  return nearest === undefined ? undefined : newestForLine(central, nearest);
}

/** The Flink lines Central has connectors for, from `oldest` on. */
export function linesWithConnector(central: string[], oldest: string): string[] {
  return [...new Set(central.map(connectorLine).filter((l): l is string => l !== undefined))]
    .filter((l) => compareVersions(l, oldest) >= 0)
    .sort(compareVersions);
}

export interface ConnectorRegistries {
  /** flink-connector-kafka versions on Maven Central. */
  central: string[];
  /** Whether the local Maven repository has this version (a connector built and installed here). */
  inLocalRepository?: (version: string) => boolean;
  /** The oldest Flink line the harness supports (for messages). */
  oldestLine: string;
}

/**
 * The connector for `release`: its own KAFKA_CONNECTOR_VERSIONS entry, else its
 * line's entry, else KAFKA_CONNECTOR_VERSION, else the newest connector of its
 * line on Maven Central. A named Maven version must exist (on Central or in the
 * local repository); a jar is checked later, when it is read.
 */
export function selectKafkaConnector(release: string, settings: KafkaConnectorSettings, registries: ConnectorRegistries): SelectedConnector {
  const line = minorLine(release);
  const named: SelectedConnector | undefined =
    settings.perRelease[release] !== undefined
      ? { ...settings.perRelease[release], source: 'KAFKA_CONNECTOR_VERSIONS' }
      : settings.perRelease[line] !== undefined
        ? { ...settings.perRelease[line], source: 'KAFKA_CONNECTOR_VERSIONS' }
        : settings.all !== undefined
          ? { kind: 'maven', version: settings.all, source: 'KAFKA_CONNECTOR_VERSION' }
          : undefined;
  if (named?.kind === 'maven' && !registries.central.includes(named.version) && !registries.inLocalRepository?.(named.version)) {
    const ofLine = registries.central.filter((c) => connectorLine(c) === (connectorLine(named.version) ?? line)).sort(compareVersions);
    const examples = ofLine.length ? ofLine.slice(-3) : [newestForLine(registries.central, line) ?? nearestOlderConnector(registries.central, line)].filter((c) => c !== undefined);
    throw new HarnessError(
      `${named.source}: flink-connector-kafka ${named.version} (for Flink ${release}) is neither on Maven Central nor in the local Maven repository.`,
      `Name a published one${examples.length ? ` (e.g. ${examples.join(', ')})` : ''}, or a local jar: KAFKA_CONNECTOR_VERSIONS=${release}=jar:/path/to/flink-connector-kafka.jar.`,
    );
  }
  if (named) return named;
  const newest = newestForLine(registries.central, line);
  if (newest) return { kind: 'maven', version: newest, source: 'Maven Central' };
  throw noConnectorForLine(release, registries);
}

function noConnectorForLine(release: string, registries: ConnectorRegistries): HarnessError {
  const line = minorLine(release);
  const suggestion = nearestOlderConnector(registries.central, line);
  const lines = linesWithConnector(registries.central, registries.oldestLine);
  return new HarnessError(
    `Flink ${release} has no flink-connector-kafka of its line (${line}) on Maven Central (connectors exist for lines ${lines.join(', ')}).`,
    suggestion
      ? `To try the newest connector of the line below (built for ${connectorLine(suggestion)}), set KAFKA_CONNECTOR_VERSIONS=${release}=${suggestion}; or give a local jar: KAFKA_CONNECTOR_VERSIONS=${release}=jar:/path/to/flink-connector-kafka.jar.`
      : `Set KAFKA_CONNECTOR_VERSIONS=${release}=<connector version>, or a local jar: KAFKA_CONNECTOR_VERSIONS=${release}=jar:/path/to/flink-connector-kafka.jar.`,
  );
}

/**
 * Every key of KAFKA_CONNECTOR_VERSIONS must be a Flink release (or a line
 * with one) PyPI has: a typo would otherwise be ignored and the default used.
 */
export function checkConnectorMapReleases(perRelease: Record<string, unknown>, releases: string[]): void {
  for (const key of Object.keys(perRelease)) {
    const known = key.split('.').length === 2 ? releases.some((r) => minorLine(r) === key) : releases.includes(key);
    if (!known) {
      const newest = [...new Map(releases.map((r) => [minorLine(r), r])).values()].sort(compareVersions).slice(-4);
      throw new HarnessError(
        `KAFKA_CONNECTOR_VERSIONS names ${key}, which is not an Apache Flink ${key.split('.').length === 2 ? 'line' : 'release'} on PyPI (apache-flink).`,
        `Name a release (e.g. ${newest.join(', ')}) or a line (e.g. ${minorLine(newest.at(-1) ?? '2.3.0')}).`,
      );
    }
  }
}

/**
 * A local jar has no POM of its own on Maven Central, so its dependencies
 * (kafka-clients, ...) are taken from a published connector's POM: the jar's own
 * version if Central has it (a patched build), else the newest of the jar's own
 * line, else of the release's line, else of the nearest older line (a release
 * candidate of a new line).
 */
export function dependencyTemplate(jarVersion: string | undefined, release: string, central: string[]): string | undefined {
  if (jarVersion !== undefined && central.includes(jarVersion)) return jarVersion;
  const jarLine = jarVersion === undefined ? undefined : connectorLine(jarVersion);
  const ofJarLine = jarLine === undefined ? undefined : newestForLine(central, jarLine);
  if (ofJarLine) return ofJarLine;
  const line = minorLine(release);
  return newestForLine(central, line) ?? nearestOlderConnector(central, line);
}
