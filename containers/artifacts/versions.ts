/** Compare dotted release numbers numerically ("2.10.0" > "2.9.1"); suffixes ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (Number.isNaN(pa[i]) ? -1 : (pa[i] ?? -1)) - (Number.isNaN(pb[i]) ? -1 : (pb[i] ?? -1));
    if (d !== 0) return d;
  }
  return 0;
}

/** "2.2.1" -> "2.2" */
export const minorLine = (version: string) => version.split('.').slice(0, 2).join('.');

export const isStableRelease = (v: string) => /^\d+\.\d+\.\d+$/.test(v);

/**
 * "2.1.x" -> the newest stable 2.1 release in `releases` ("2.1.3"); a full
 * release or dist:<path> as it is; undefined when the line has none.
 */
export function expandRelease(spec: string, releases: readonly string[]): string | undefined {
  const m = /^(\d+\.\d+)\.x$/.exec(spec);
  if (!m) return spec;
  return releases.filter((r) => isStableRelease(r) && minorLine(r) === m[1]).sort(compareVersions).at(-1);
}
