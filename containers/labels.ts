// The harness's own labels. Cleanup selects by these, never by
// testcontainers' shared session label, which other tools on the engine use.
export const LABEL_HARNESS = 'dev.flink-harness';
export const LABEL_RUN = 'dev.flink-harness.run';
export const LABEL_SCENARIO = 'dev.flink-harness.scenario';
export const LABEL_STARTED = 'dev.flink-harness.started';

export function harnessLabels(runId: string, scenario: string): Record<string, string> {
  return {
    [LABEL_HARNESS]: 'true',
    [LABEL_RUN]: runId,
    [LABEL_SCENARIO]: scenario,
    [LABEL_STARTED]: new Date().toISOString(),
  };
}

/**
 * Names the process that created a resource: `<hostname>:<pid>:<start>`,
 * where <start> is the process's start time in clock ticks since boot
 * (/proc/<pid>/stat, field 22). A dead owner means a crashed run; the start
 * time tells a live process that reused the pid from the owner itself, so the
 * janitor never rests on hostname:pid alone. Labels written before the start
 * time was added (`<hostname>:<pid>`) still parse.
 */
export const LABEL_OWNER = 'dev.flink-harness.owner';

export interface Owner {
  host: string;
  pid: number;
  /** undefined: not known (an old label, or no /proc). */
  start?: string;
}

export function formatOwner(o: Owner): string {
  return [o.host, String(o.pid), ...(o.start ? [o.start] : [])].join(':');
}

export function parseOwner(label: string | undefined): Owner | undefined {
  const m = /^([^:]+):(\d+)(?::(\d+))?$/.exec(label ?? '');
  if (!m) return undefined;
  return { host: m[1], pid: Number(m[2]), ...(m[3] ? { start: m[3] } : {}) };
}
