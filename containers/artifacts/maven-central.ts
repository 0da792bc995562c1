import { fetchText, NotFound } from './download.js';

const CENTRAL = 'https://repo1.maven.org/maven2';

/** All versions Maven Central lists for group:artifact. */
export async function mavenVersions(group: string, artifact: string): Promise<string[]> {
  try {
    const xml = await fetchText(
      `${CENTRAL}/${group.replaceAll('.', '/')}/${artifact}/maven-metadata.xml`,
      `the version list of ${group}:${artifact}`,
    );
    return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]!);
  } catch (e) {
    if (e instanceof NotFound) return [];
    throw e;
  }
}

/** The POM of one published version (for a local jar that stands in for it). */
export async function mavenPom(group: string, artifact: string, version: string): Promise<string> {
  return fetchText(`${CENTRAL}/${group.replaceAll('.', '/')}/${artifact}/${version}/${artifact}-${version}.pom`, `the POM of ${group}:${artifact}:${version}`);
}
