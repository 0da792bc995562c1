import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Step } from '../../config/progress.js';
import type { FlinkRelease } from '../artifacts/flink-release.js';
import { mavenPom } from '../artifacts/maven-central.js';
import { mvn } from './maven.js';

// A local connector jar enters the job build as an ordinary Maven dependency:
// `mvn install:install-file` puts it into the local Maven repository under
// `<its version>-local-<sha256 prefix>`, with the POM of a published connector
// (so kafka-clients and the rest come along), and the job builds with
// -Dkafka.connector.version=<that>. Why not the alternatives: system scope
// brings no transitive dependencies and maven-shade skips system-scoped jars;
// a separate harness-only local repository cannot fall back to ~/.m2 before
// Maven 3.9 (maven.repo.local.tail), so every Flink dependency would be
// downloaded again. The content-hashed version never overwrites a published
// connector, and a changed jar gets a new version (and a new job jar).

const INSTALL_PLUGIN = 'org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file';

export async function installConnectorJar(release: FlinkRelease, cache: string, s: Step): Promise<void> {
  const jar = release.kafkaConnectorJar;
  if (!jar) return;
  const dir = path.join(cache, 'connectors', release.kafkaConnector);
  await mkdir(dir, { recursive: true });
  const template = await mavenPom('org.apache.flink', 'flink-connector-kafka', jar.dependenciesOf);
  // Not pom.xml: Maven would take the folder for a project and resolve it.
  const pom = path.join(dir, 'connector.pom');
  await writeFile(pom, pomWithVersion(template, release.kafkaConnector));
  s.update(`Installing ${jar.path} as flink-connector-kafka ${release.kafkaConnector}`);
  const coordinates = ['-DgroupId=org.apache.flink', '-DartifactId=flink-connector-kafka', `-Dversion=${release.kafkaConnector}`, '-Dpackaging=jar'];
  await mvn(['-q', INSTALL_PLUGIN, `-Dfile=${jar.path}`, `-DpomFile=${pom}`, ...coordinates], dir, s);
}

/**
 * The connector's POM with its own <version>: published connector POMs inherit
 * theirs from flink-connector-kafka-parent, so the version goes right after the
 * project's <artifactId> (the first one after </parent>), or replaces the
 * project's own <version> when it has one.
 */
export function pomWithVersion(pom: string, version: string): string {
  const end = pom.indexOf('</parent>');
  const head = end < 0 ? '' : pom.slice(0, end + '</parent>'.length);
  const body = end < 0 ? pom : pom.slice(head.length);
  const upToDependencies = body.split(/<dependencies>/)[0]!;
  // The project's own <version>, at the project level: before <dependencies>, outside <properties>/<build>.
  const own = /<version>[^<]*<\/version>/.exec(upToDependencies.replace(/<properties>[\s\S]*?<\/properties>/, (m) => ' '.repeat(m.length)));
  if (own) return head + body.slice(0, own.index) + `<version>${version}</version>` + body.slice(own.index + own[0].length);
  const artifact = /<artifactId>flink-connector-kafka<\/artifactId>/.exec(body);
  if (!artifact) throw new Error('not a flink-connector-kafka POM: no <artifactId>flink-connector-kafka</artifactId>');
  const at = artifact.index + artifact[0].length;
  return `${head}${body.slice(0, at)}\n\t<version>${version}</version>${body.slice(at)}`;
}
