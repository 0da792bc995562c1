import { fetchText } from './download.js';

// PyPI carries the official Flink binary distribution byte for byte:
// `apache-flink-libraries` holds lib/ (with the real flink-dist jar), opt/,
// plugins/ and bin/*.jar; `apache-flink` holds the bin/ scripts and conf/.

export interface PypiFile {
  filename: string;
  url: string;
  sha256: string;
  packagetype: 'bdist_wheel' | 'sdist';
}

type PypiFileJson = { filename: string; url: string; digests: { sha256: string }; packagetype: string };

interface PypiProjectJson {
  releases: Record<string, PypiFileJson[]>;
}

// The project document, not /pypi/<p>/<v>/json: the mirror these machines use
// serves only the former.
async function projectJson(project: string): Promise<PypiProjectJson> {
  return JSON.parse(await fetchText(`https://pypi.org/pypi/${project}/json`, `the release list of ${project} on PyPI`)) as PypiProjectJson;
}

export async function pypiReleases(project: string): Promise<string[]> {
  const json = await projectJson(project);
  return Object.entries(json.releases)
    .filter(([, files]) => files.length > 0)
    .map(([v]) => v);
}

/** The files of one release, or undefined when PyPI has no such release. */
export async function pypiFiles(project: string, version: string): Promise<PypiFile[] | undefined> {
  const files = (await projectJson(project)).releases[version];
  if (!files?.length) return undefined;
  return files.map((u) => ({
    filename: u.filename,
    url: u.url,
    sha256: u.digests.sha256,
    packagetype: u.packagetype as PypiFile['packagetype'],
  }));
}
/** Prefer a platform-independent or x86_64 Linux wheel, else the sdist. */
export function pickDistributionFile(files: PypiFile[]): PypiFile | undefined {
  const wheels = files.filter((f) => f.packagetype === 'bdist_wheel');
  return (
    wheels.find((f) => f.filename.includes('none-any')) ??
    wheels.find((f) => /manylinux.*x86_64/.test(f.filename)) ??
    files.find((f) => f.packagetype === 'sdist')
  );
}
