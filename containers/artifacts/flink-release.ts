import { HarnessError } from '../../config/harness-error.js';
import { mavenVersions } from './maven-central.js';
import { pypiReleases } from './pypi.js';
import { compareVersions, isStableRelease, minorLine } from './versions.js';

/** A Flink release this harness can build a cluster and the job for. */
export interface FlinkRelease {
  version: string;
  /** "2.2", "1.20" */
  line: string;
  major: number;
  /** org.apache.flink:flink-connector-kafka version built for this line. */
  kafkaConnector: string;
}

/** Oldest line we support: the 1.20 LTS. Older lines lack the APIs the job uses. */
const OLDEST_LINE = '1.20';

export async function resolveFlinkRelease(version: string, connectorOverride?: string): Promise<FlinkRelease> {
  const releases = (await pypiReleases('apache-flink')).filter(isStableRelease).sort(compareVersions);
  const suggestion = () => {
    const lines = new Map<string, string>();
    for (const r of releases) if (compareVersions(minorLine(r), OLDEST_LINE) >= 0) lines.set(minorLine(r), r);
    return [...lines.values()].join(', ');
  };
  if (!releases.includes(version)) {
    throw new HarnessError(
      `Unknown FLINK_VERSION '${version}': no such Apache Flink release on PyPI (apache-flink) or Maven Central.`,
      `Set FLINK_VERSION to a release, e.g. one of: ${suggestion()}.`,
    );
  }
  const line = minorLine(version);
  if (compareVersions(line, OLDEST_LINE) < 0) {
    throw new HarnessError(
      `FLINK_VERSION '${version}' is older than the ${OLDEST_LINE} LTS line this harness supports.`,
      `Use ${OLDEST_LINE}.x or newer, e.g. one of: ${suggestion()}.`,
    );
  }
  const connectors = (await mavenVersions('org.apache.flink', 'flink-connector-kafka')).sort(compareVersions);
  const kafkaConnector = connectorOverride ?? connectors.filter((c) => c.endsWith(`-${line}`)).pop();
  if (!kafkaConnector) {
    const withConnector = [...new Set(connectors.map((c) => c.split('-').pop()!))]
      .filter((l) => /^\d+\.\d+$/.test(l) && compareVersions(l, OLDEST_LINE) >= 0)
      .sort(compareVersions);
    throw new HarnessError(
      `Flink ${version} has no matching flink-connector-kafka on Maven Central (connectors exist for lines ${withConnector.join(', ')}).`,
      `Pick a FLINK_VERSION of a line with a connector, or set KAFKA_CONNECTOR_VERSION (e.g. ${connectors.at(-1)}) to try a connector built for another line.`,
    );
  }
  return { version, line, major: Number(line.split('.')[0]), kafkaConnector };
}
