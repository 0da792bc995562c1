import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { step } from '../../config/progress.js';
import { mvn } from './maven.js';

/**
 * A server's runtime classpath from Maven Central, resolved once into the
 * cache by `mvn dependency:copy-dependencies` on the pom in `pomDir` (its
 * version property set to `version`). Returns the folder of jars.
 */
export async function resolveMavenClasspath(
  cache: string,
  what: { name: string; pomDir: string; versionProperty: string; version: string; label: string },
): Promise<string> {
  // Keyed by the pom too: a dependency added there must be resolved, not served from an older folder.
  const pom = createHash('sha256').update(readFileSync(path.join(what.pomDir, 'pom.xml'))).digest('hex').slice(0, 12);
  const libs = path.join(cache, `${what.name}-libs`, `${what.version}-${pom}`);
  if (existsSync(path.join(libs, '.complete'))) return libs;
  const s = step(`Resolving ${what.label}'s jars from Maven Central`);
  await mvn(
    ['-q', '-f', path.join(what.pomDir, 'pom.xml'), 'dependency:copy-dependencies', `-D${what.versionProperty}=${what.version}`,
      `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    what.pomDir,
    s,
  );
  await writeFile(path.join(libs, '.complete'), what.version);
  s.succeed(`Resolved ${what.label}'s jars`);
  return libs;
}
