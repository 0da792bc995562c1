import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HarnessError } from '../../config/harness-error.js';
import { step } from '../../config/progress.js';
import { downloadOnce } from '../artifacts/download.js';
import type { FlinkRelease } from '../artifacts/flink-release.js';
import { pickDistributionFile, pypiFiles } from '../artifacts/pypi.js';
import { mvn } from './maven.js';

// What the real SQL client (`sql-client.sh`) needs beyond the harness's Flink
// image, per release, measured on 1.20.3 and 2.2.1:
//
// 1. opt/flink-sql-gateway-<v>.jar and opt/flink-python-<v>.jar. The official
//    binary distribution has both in opt/; PyPI's apache-flink-libraries has no
//    gateway jar, and the harness drops flink-python from its distribution
//    (flink-distribution.ts). Without the gateway the client fails with
//    NoClassDefFoundError: org/apache/flink/table/gateway/service/context/DefaultContext;
//    without flink-python with "Failed to parse the Python command line options"
//    (ClassNotFoundException: org.apache.flink.python.util.PythonDependencyUtils),
//    even for a plain SQL file. The gateway comes from Maven Central (the
//    artifact the official distribution copies into opt/), flink-python from the
//    release's own PyPI package.
// 2. The Kafka SQL connector. Flink's docs name the fat jar
//    flink-sql-connector-kafka, but Maven Central has none for the 1.20 line
//    (3.3.0-1.20 and 3.4.0-1.20 are missing; 4.0.1-2.0 and 5.0.0-2.2 exist). The
//    fat jar is only flink-connector-kafka plus kafka-clients (relocated), so
//    the SQL client gets exactly that, unshaded: the release's own
//    flink-connector-kafka (the version its Java job is built against, a local
//    jar included) and kafka-clients, plus Guava for the 3.x connectors (their
//    serialization schema builder uses it). The SQL script ADDs them as JARs and
//    the SQL client ships them with the job to the session cluster.

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(here, 'sql-client', 'pom.xml');
/** What Flink's lib/ lacks of the connector's runtime dependencies. */
const CONNECTOR_ARTIFACTS = ['flink-connector-kafka', 'kafka-clients', 'guava', 'failureaccess'];

export interface SqlClientJars {
  /** Host folder with the jars for the client's /opt/flink/opt. */
  optDir: string;
  opt: string[];
  /** Host folder with the Kafka connector's jars (ADD JAR). */
  connectorDir: string;
  /** File names, the connector first. */
  connector: string[];
}

export async function ensureSqlClientJars(cache: string, release: FlinkRelease): Promise<SqlClientJars> {
  const [opt, connector] = [await ensureOptJars(cache, release.version), await ensureConnectorJars(cache, release)];
  return { optDir: opt.dir, opt: opt.jars, connectorDir: connector.dir, connector: connector.jars };
}

async function ensureOptJars(cache: string, version: string): Promise<{ dir: string; jars: string[] }> {
  const dir = path.join(cache, 'sql-client', version);
  if (!existsSync(path.join(dir, '.complete'))) {
    const s = step(`Fetching the SQL client's opt/ jars of Flink ${version} (flink-sql-gateway from Maven Central, flink-python from PyPI)`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await mvn(['-q', '-f', POM, 'dependency:copy', `-Dartifact=org.apache.flink:flink-sql-gateway:${version}`, `-DoutputDirectory=${dir}`, '-Dkafka.connector.version=unused'], here, s);
    await extractFlinkPython(cache, version, dir);
    await writeFile(path.join(dir, '.complete'), version);
    s.succeed(`Fetched the SQL client's opt/ jars of Flink ${version}`);
  }
  return { dir, jars: await jarsIn(dir) };
}

/** opt/flink-python-<v>.jar out of the release's apache-flink-libraries package (cached by the distribution's download). */
async function extractFlinkPython(cache: string, version: string, into: string): Promise<void> {
  const file = pickDistributionFile((await pypiFiles('apache-flink-libraries', version)) ?? []);
  if (!file) throw new HarnessError(`PyPI has no apache-flink-libraries ${version}: no flink-python jar for the SQL client.`, 'Pick a release published on PyPI.');
  const archive = await downloadOnce(file.url, path.join(cache, 'pypi', file.filename), `apache-flink-libraries ${version}`, file.sha256);
  const jar = `flink-python-${version}.jar`;
  const scratch = `${into}.extract`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  if (archive.endsWith('.tar.gz')) {
    await run('tar', ['-xzf', archive, '-C', scratch, '--wildcards', `*/opt/${jar}`]);
  } else {
    // A wheel is a zip (python3 is on every machine that runs pip; unzip is not).
    const script = 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n  if n.endswith("/opt/"+sys.argv[2]): z.extract(n, sys.argv[3])';
    await run('python3', ['-c', script, archive, jar, scratch]);
  }
  const found = await run('find', [scratch, '-name', jar]).then((r) => r.stdout.trim().split('\n')[0]);
  if (!found) throw new HarnessError(`${file.filename} has no opt/${jar}.`, 'Report this with the Flink version.');
  await copyFile(found, path.join(into, jar));
  await rm(scratch, { recursive: true, force: true });
}

async function ensureConnectorJars(cache: string, release: FlinkRelease): Promise<{ dir: string; jars: string[] }> {
  const pom = createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 12);
  const dir = path.join(cache, 'sql-connectors', `${release.kafkaConnector}-${pom}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    const s = step(`Resolving the Kafka SQL connector's jars (flink-connector-kafka ${release.kafkaConnector} + kafka-clients)`);
    await mvn(
      ['-q', '-f', POM, 'dependency:copy-dependencies', `-Dkafka.connector.version=${release.kafkaConnector}`, `-DoutputDirectory=${dir}`,
        '-DincludeScope=runtime', `-DincludeArtifactIds=${CONNECTOR_ARTIFACTS.join(',')}`],
      here,
      s,
    );
    await writeFile(path.join(dir, '.complete'), release.kafkaConnector);
    s.succeed(`Resolved the Kafka SQL connector's jars for Flink ${release.version}`);
  }
  const jars = connectorFirst(await jarsIn(dir));
  if (!jars[0]?.startsWith('flink-connector-kafka') || !jars.some((j) => j.startsWith('kafka-clients'))) {
    throw new Error(`${dir} lacks flink-connector-kafka or kafka-clients (has ${jars.join(', ') || 'nothing'}): remove it and rerun`);
  }
  return { dir, jars };
}

const jarsIn = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.jar')).sort();

/** The connector's own jar first (the ADD JAR a reader looks for), the rest by name. */
export const connectorFirst = (jars: readonly string[]) => {
  const isConnector = (j: string) => j.startsWith('flink-connector-kafka');
  return [...jars.filter(isConnector), ...jars.filter((j) => !isConnector(j))];
};
