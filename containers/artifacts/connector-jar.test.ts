import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectConnectorJar } from './connector-jar.js';

// Small jars made with the JDK's `jar` tool: what a user may hand in as jar:<path>.
const dir = mkdtempSync(path.join(os.tmpdir(), 'connector-jar-test-'));
function makeJar(name: string, files: string[], manifest?: string): string {
  const root = path.join(dir, `${name}-content`);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), 'x');
  }
  const jar = path.join(dir, `${name}.jar`);
  const args = manifest ? ['cfm', jar, path.join(dir, `${name}.mf`), '-C', root, '.'] : ['cf', jar, '-C', root, '.'];
  if (manifest) writeFileSync(path.join(dir, `${name}.mf`), manifest);
  execFileSync('jar', args);
  return jar;
}
const SOURCE = 'org/apache/flink/connector/kafka/source/KafkaSource.class';

describe('a local connector jar', () => {
  test('is read for its checksum and Implementation-Version', async () => {
    const jar = makeJar('good', [SOURCE], 'Implementation-Version: 5.0.0-2.2\n');
    const read = await inspectConnectorJar(jar);
    expect(read).toMatchObject({ path: jar, version: '5.0.0-2.2' });
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('each wrong file is one error naming it', async () => {
    const notZip = path.join(dir, 'not-a-jar.jar');
    writeFileSync(notZip, 'hello');
    await expect(inspectConnectorJar(path.join(dir, 'missing.jar'))).rejects.toThrow(/no connector jar at .*missing\.jar/);
    await expect(inspectConnectorJar(notZip)).rejects.toThrow(/not-a-jar\.jar is not a jar/);
    await expect(inspectConnectorJar(makeJar('other', ['a/B.class']))).rejects.toThrow(/is not a flink-connector-kafka jar \(it has no .*KafkaSource\.class\)/);
    await expect(inspectConnectorJar(makeJar('fat', [SOURCE, 'org/apache/kafka/clients/Producer.class']))).rejects.toThrow(/bundles kafka-clients/);
  });
});
