import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HarnessError } from '../../config/harness-error.js';
import { cacheDir, loadSettings, type KafkaConnectorSettings } from '../../config/settings.js';
import { type ConnectorJar, inspectConnectorJar } from './connector-jar.js';
import { distributionPath, inspectLocalDistribution, type LocalDistribution } from './local-distribution.js';
import { checkConnectorMapReleases, type ConnectorSource, dependencyTemplate, selectKafkaConnector } from './kafka-connector.js';
import { mavenVersions } from './maven-central.js';
import { pypiReleases } from './pypi.js';
import { compareVersions, isStableRelease, minorLine } from './versions.js';

/** A Flink release this harness can build a cluster and the job for. */
export interface FlinkRelease {
  version: string;
  /** "2.2", "1.20" */
  line: string;
  major: number;
  /**
   * org.apache.flink:flink-connector-kafka version the job is built against. For
   * a local jar: the version it is installed under in the local Maven repository
   * (`<its version>-local-<sha256 prefix>`, so it never shadows a published one).
   */
  kafkaConnector: string;
  /** Where kafkaConnector came from. */
  kafkaConnectorSource: ConnectorSource;
  /** Set when a local jar stands in for the connector. */
  kafkaConnectorJar?: ConnectorJar & {
    /** The published connector whose POM gives the jar its dependencies. */
    dependenciesOf: string;
  };
  /**
   * Set when a local distribution (`dist:<path>`, FLINK_DIST) stands in for the
   * release: version is then what the distribution says it is, and the image is
   * built from it instead of PyPI's packages.
   */
  distribution?: LocalDistribution;
}

/** Oldest line we support: the 1.20 LTS. Older lines lack the APIs the job uses. */
const OLDEST_LINE = '1.20';

const NO_CONNECTOR_SETTINGS: KafkaConnectorSettings = { perRelease: {} };

/**
 * `version` is a release ("2.2.1") or a local distribution ("dist:/path/flink-2.3.0",
 * a folder or a .tgz; a tarball is unpacked under `cache`).
 */
export async function resolveFlinkRelease(
  version: string,
  connectors: KafkaConnectorSettings = NO_CONNECTOR_SETTINGS,
  cache: string = cacheDir(loadSettings()),
): Promise<FlinkRelease> {
  const dist = distributionPath(version);
  // The distribution first: a folder that is not one is the error to show, before any registry is asked.
  const distribution = dist === undefined ? undefined : await inspectLocalDistribution(dist, cache);
  const releases = await pypiReleases('apache-flink');
  const central = await mavenVersions('org.apache.flink', 'flink-connector-kafka');
  return releaseFrom(version, connectors, { releases, central, inLocalRepository, distribution });
}

/** What the registries list: PyPI's apache-flink releases, Central's connectors, the local Maven repository. */
export interface ReleaseRegistries {
  releases: string[];
  central: string[];
  inLocalRepository?: (version: string) => boolean;
  /** The local distribution `dist:<path>` names, already read (inspectLocalDistribution). */
  distribution?: LocalDistribution;
}

/**
 * resolveFlinkRelease on given registry lists: the pre-check of `npm start`,
 * the gate and the matrix, testable without a network (only a local jar is read).
 */
export async function releaseFrom(requested: string, connectors: KafkaConnectorSettings, registries: ReleaseRegistries): Promise<FlinkRelease> {
  const releases = registries.releases.filter(isStableRelease).sort(compareVersions);
  const { distribution } = registries;
  if (distributionPath(requested) !== undefined && !distribution) throw new Error(`releaseFrom: ${requested} was not read (inspectLocalDistribution)`);
  // A distribution's version need not be on PyPI (a release candidate, a patched build), only of a supported line.
  const version = distribution?.version ?? requested;
  if (distribution) checkLine(version, `The Flink distribution ${distribution.source} (Flink ${version})`, releases);
  else checkRelease(version, releases);
  checkConnectorMapReleases(connectors.perRelease, releases);
  const line = minorLine(version);
  const { central } = registries;
  // The connector by the distribution's own version, as for the release it stands in for (KAFKA_CONNECTOR_VERSIONS included).
  const selected = selectKafkaConnector(version, connectors, { central, inLocalRepository: registries.inLocalRepository, oldestLine: OLDEST_LINE });
  const base = { version, line, major: Number(line.split('.')[0]), kafkaConnectorSource: selected.source, ...(distribution ? { distribution } : {}) };
  if (selected.kind === 'maven') return { ...base, kafkaConnector: selected.version };

  const jar = await inspectConnectorJar(selected.path);
  const dependenciesOf = dependencyTemplate(jar.version, version, central);
  if (!dependenciesOf) {
    throw new HarnessError(
      `KAFKA_CONNECTOR_VERSIONS: the jar ${jar.path} (version ${jar.version ?? 'unknown'}) needs a published connector's POM for its dependencies, and Maven Central has none of line ${line} or the line below.`,
      'Install the connector with `mvn install` in its source tree and name its version instead (KAFKA_CONNECTOR_VERSIONS=<release>=<version>).',
    );
  }
  return { ...base, kafkaConnector: `${jar.version ?? dependenciesOf}-local-${jar.sha256.slice(0, 12)}`, kafkaConnectorJar: { ...jar, dependenciesOf } };
}

/** "5.0.0-2.2 (Maven Central)", "5.0.0-2.2-local-1a2b… = jar /x.jar sha256 … (KAFKA_CONNECTOR_VERSIONS)": for reports. */
export function describeKafkaConnector(release: FlinkRelease): string {
  const jar = release.kafkaConnectorJar;
  return jar
    ? `jar ${jar.path} (sha256 ${jar.sha256}, version ${jar.version ?? 'unknown'}, dependencies of ${jar.dependenciesOf}; ${release.kafkaConnectorSource})`
    : `${release.kafkaConnector} (${release.kafkaConnectorSource})`;
}

/** The newest release of each supported line: what an error suggests. */
function suggestion(releases: string[]): string {
  const lines = new Map<string, string>();
  for (const r of releases) if (compareVersions(minorLine(r), OLDEST_LINE) >= 0) lines.set(minorLine(r), r);
  return [...lines.values()].join(', ');
}

function checkRelease(version: string, releases: string[]): void {
  if (!releases.includes(version)) {
    throw new HarnessError(
      `Unknown FLINK_VERSION '${version}': no such Apache Flink release on PyPI (apache-flink) or Maven Central.`,
      `Set FLINK_VERSION to a release, e.g. one of: ${suggestion(releases)}, or to a local distribution (dist:/path/to/flink-<version>).`,
    );
  }
  checkLine(version, `FLINK_VERSION '${version}'`, releases);
}

function checkLine(version: string, what: string, releases: string[]): void {
  if (compareVersions(minorLine(version), OLDEST_LINE) < 0) {
    throw new HarnessError(`${what} is older than the ${OLDEST_LINE} LTS line this harness supports.`, `Use ${OLDEST_LINE}.x or newer, e.g. one of: ${suggestion(releases)}.`);
  }
}

/**
 * "Flink 2.2.1 from PyPI (apache-flink-libraries, apache-flink)" or "Flink 2.3.0
 * from the local distribution /x (folder sha256 ab12…, version from its manifest)",
 * with the image tag when given: for reports.
 */
export function describeFlinkBuild(release: FlinkRelease, image?: string): string {
  const d = release.distribution;
  const from = d
    ? `from the local distribution ${d.source} (${d.checksumOf} sha256 ${d.sha256}; version from ${d.distJar}'s ${d.versionFrom})`
    : 'from PyPI (apache-flink-libraries, apache-flink)';
  return `Flink ${release.version} ${from}${image ? `, image ${image}` : ''}`;
}

/** A connector built and installed here (`mvn install`), in Maven's default local repository. */
function inLocalRepository(version: string): boolean {
  const dir = path.join(os.homedir(), '.m2', 'repository', 'org', 'apache', 'flink', 'flink-connector-kafka', version);
  return existsSync(path.join(dir, `flink-connector-kafka-${version}.jar`));
}
