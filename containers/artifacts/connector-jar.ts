import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../config/harness-error.js';

// A local flink-connector-kafka jar standing in for a published one (a patched
// build, a release candidate): `KAFKA_CONNECTOR_VERSIONS=2.3.0=jar:/path/x.jar`.
// Read with the JDK's `jar` tool (the job build needs a JDK anyway).

const run = promisify(execFile);

/** A class every flink-connector-kafka since 3.0 has, and the job uses. */
const MARKER = 'org/apache/flink/connector/kafka/source/KafkaSource.class';

export interface ConnectorJar {
  /** Absolute path. */
  path: string;
  sha256: string;
  /** The jar's Implementation-Version (its Maven version when built by Maven), if any. */
  version?: string;
}

export async function inspectConnectorJar(file: string): Promise<ConnectorJar> {
  const abs = path.resolve(file.replace(/^~(?=\/)/, os.homedir()));
  const fix = 'Give the path of a flink-connector-kafka jar, e.g. KAFKA_CONNECTOR_VERSIONS=2.3.0=jar:/path/to/flink-connector-kafka-5.0.0-2.2.jar.';
  if (!existsSync(abs)) throw new HarnessError(`KAFKA_CONNECTOR_VERSIONS: no connector jar at ${abs}.`, fix);
  const sha256 = createHash('sha256').update(await readFile(abs)).digest('hex');
  const entries = await jarTool(['tf', abs]).catch((e: Error) => {
    if (e instanceof HarnessError) throw e;
    throw new HarnessError(`KAFKA_CONNECTOR_VERSIONS: ${abs} is not a jar (jar tf: ${e.message.split('\n')[0]}).`, fix);
  });
  const names = entries.split('\n').map((l) => l.trim());
  if (!names.includes(MARKER)) {
    throw new HarnessError(`KAFKA_CONNECTOR_VERSIONS: ${abs} is not a flink-connector-kafka jar (it has no ${MARKER}).`, fix);
  }
  // Its dependencies come from a POM (see connector-install.ts): a jar that bundles them would put a second kafka-clients into the job.
  if (names.some((n) => n.startsWith('org/apache/kafka/clients/'))) {
    throw new HarnessError(`KAFKA_CONNECTOR_VERSIONS: ${abs} bundles kafka-clients (a fat or job jar), not the plain flink-connector-kafka jar.`, fix);
  }
  return { path: abs, sha256, version: implementationVersion(await manifestOf(abs)) };
}

/** "Implementation-Version: 5.0.0-2.2" from a MANIFEST.MF. */
export function implementationVersion(manifest: string): string | undefined {
  return /^Implementation-Version:\s*(\S+)\s*$/m.exec(manifest)?.[1];
}

/** The jar's META-INF/MANIFEST.MF, or "" when it has none. */
export async function manifestOf(jar: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'connector-jar-'));
  try {
    await jarTool(['xf', jar, 'META-INF/MANIFEST.MF'], dir);
    const file = path.join(dir, 'META-INF', 'MANIFEST.MF');
    return existsSync(file) ? await readFile(file, 'utf8') : '';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function jarTool(args: string[], cwd?: string): Promise<string> {
  try {
    return (await run('jar', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HarnessError(
        "The JDK's `jar` tool is not installed: it reads a local connector jar.",
        'Install Java 17 (Debian: `apt-get install -y openjdk-17-jdk-headless`).',
      );
    }
    throw new Error(String((e as { stderr?: string }).stderr || (e as Error).message));
  }
}
