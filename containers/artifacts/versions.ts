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
