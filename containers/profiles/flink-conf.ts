import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { HarnessError } from '../../config/harness-error.js';
import { KEY_ALIASES, profileFlinkProperties } from './flink-options.js';
import type { Profile, ReleaseCapabilities } from './profile.js';

// `--flink-conf path/to/config.yaml` (HARNESS_FLINK_CONF): the team's own
// Flink configuration over the harness's defaults. Flat `key: value` YAML and
// nested YAML (as Flink 2.x's config.yaml) both flatten to Flink's dotted keys.
// Keys the harness relies on are refused with the reason; keys it merely
// assumed are accepted and listed as warnings in the report.

export interface ConfKey {
  key: string;
  value: string;
  reason: string;
}

export interface TeamFlinkConf {
  /** Where it came from (a path), for the report. */
  source: string;
  /** Flink's dotted keys and their values as FLINK_PROPERTIES carries them. */
  properties: Record<string, string>;
  /** Accepted, but the harness assumed otherwise: shown in the report. */
  warnings: ConfKey[];
}

/** Keys that would break the harness, and why (exact names; `prefix.` entries match a family). */
const REFUSED: readonly { keys: readonly string[]; reason: string }[] = [
  {
    keys: ['jobmanager.rpc.address', 'jobmanager.rpc.port', 'jobmanager.bind-host', 'taskmanager.bind-host', 'taskmanager.host', 'taskmanager.rpc.port'],
    reason: 'the harness wires JobManager and TaskManagers on its Docker network by these (docker-entrypoint.sh sets them)',
  },
  {
    keys: ['rest.address', 'rest.port', 'rest.bind-address', 'rest.bind-port'],
    reason: 'the harness reaches the REST API and Web UI on container port 8081, bound to all interfaces inside the container and published on 127.0.0.1',
  },
  {
    keys: ['state.checkpoints.dir', 'execution.checkpointing.dir', 'state.savepoints.dir', 'execution.checkpointing.savepoint-dir', 'dstl.dfs.base-path'],
    reason: 'checkpoints and savepoints must be in the folders bind-mounted from the host (/tmp/flink-checkpoints-directory, /tmp/flink-savepoints-directory): the harness reads them and every node shares them',
  },
  { keys: ['taskmanager.numberOfTaskSlots'], reason: 'the scenarios count slots (2 per TaskManager: rescale waits for a second TaskManager at parallelism 3)' },
  {
    keys: ['restart-strategy', 'restart-strategy.'],
    reason: 'a killed TaskManager must not fail the job: the harness restarts it forever, 1 s apart (fixed-delay), and judges the recovery',
  },
  { keys: ['heartbeat.interval', 'heartbeat.timeout'], reason: 'failure-recovery expects a lost TaskManager noticed within heartbeat.timeout (5 s) plus slack' },
  { keys: ['taskmanager.resource-id'], reason: 'the harness names each TaskManager to match it in Flink\'s exception history' },
  {
    keys: ['execution.checkpointing.interval'],
    reason: 'the job sets its interval itself (enableCheckpointing(1000)); as a cluster key it would switch checkpoints on for the negative control run without --checkpointing',
  },
  { keys: ['high-availability', 'high-availability.type'], reason: 'the harness starts no ZooKeeper or Kubernetes for JobManager high availability' },
];

/** Keys the harness assumed (accepted, listed as warnings). */
const WARNED: readonly { keys: readonly string[]; reason: string }[] = [
  { keys: ['jobmanager.memory.process.size', 'taskmanager.memory.process.size'], reason: 'sized for a 2-core machine with several containers (1600m / 1728m)' },
  { keys: ['cluster.registration.error-delay', 'cluster.registration.refused-registration-delay'], reason: 'a restarted TaskManager registers within ~1 s with the harness\'s 1000 ms; longer delays slow every recovery' },
  { keys: ['execution.checkpointing.mode'], reason: 'the exactly-once scenarios need EXACTLY_ONCE checkpoints' },
  { keys: ['parallelism.default'], reason: 'scenarios expect the job to start at parallelism 1 unless they pass -p' },
  { keys: ['blob.server.port', 'query.server.port'], reason: 'docker-entrypoint.sh fixes them (6124, 6125); any free port works inside the network' },
  { keys: ['execution.checkpointing.timeout', 'execution.checkpointing.tolerable-failed-checkpoints'], reason: 'scenarios wait a bounded time for checkpoints to complete' },
];

const matches = (key: string, list: readonly string[]) => list.some((k) => (k.endsWith('.') ? key.startsWith(k) : key === k));

/**
 * Pure: Flink YAML text -> flat keys. Nested maps join with '.', lists become
 * Flink's `a;b` form, maps under a leaf key (e.g. a reporter's options)
 * `k:v,k2:v2`. A key given twice (flat and nested) is an error.
 */
export function flattenFlinkYaml(text: string, source = 'config.yaml'): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    throw new HarnessError(`${source} is not valid YAML${where}: ${(e as Error).message.split('\n')[0]}`, 'Write Flink configuration as `key: value` lines or nested YAML, as in Flink\'s conf/config.yaml.');
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new HarnessError(`${source} is not a map of Flink options.`, 'Write Flink configuration as `key: value` lines or nested YAML.');
  }
  const out: Record<string, string> = {};
  const put = (key: string, value: string) => {
    if (key in out) throw new HarnessError(`${source} sets '${key}' twice (flat and nested).`, 'Keep one of them.');
    out[key] = value;
  };
  const walk = (prefix: string, node: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v === null || v === undefined) throw new HarnessError(`${source}: '${key}' has no value.`, 'Give it a value or remove the line.');
      if (Array.isArray(v)) put(key, v.map(scalar).join(';'));
      else if (typeof v === 'object' && !(v instanceof Date)) walk(key, v as Record<string, unknown>);
      else put(key, scalar(v));
    }
  };
  walk('', doc as Record<string, unknown>);
  return out;
}

function scalar(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => `${k}:${scalar(x)}`).join(',');
  return String(v);
}

/**
 * Pure: which keys of the team's configuration are refused (with why), and
 * which are warned about. Keys the profile sets are the profile's choice:
 * a different value is refused (pick a profile instead), the same one is fine.
 */
export function judgeTeamConf(
  properties: Readonly<Record<string, string>>,
  profile: Profile,
  release: ReleaseCapabilities,
): { refused: ConfKey[]; warnings: ConfKey[] } {
  const refused: ConfKey[] = [];
  const warnings: ConfKey[] = [];
  const fromProfile = profileFlinkProperties(profile, release);
  const profileAliases = new Map<string, string>();
  for (const [key, value] of Object.entries(fromProfile)) {
    const family = Object.values(KEY_ALIASES).find((names) => names.includes(key)) ?? [key];
    for (const name of family) profileAliases.set(name, value);
  }
  for (const [key, value] of Object.entries(properties)) {
    const refusal = REFUSED.find((r) => matches(key, r.keys));
    if (refusal) {
      refused.push({ key, value, reason: refusal.reason });
      continue;
    }
    const chosen = profileAliases.get(key);
    if (chosen !== undefined) {
      if (normalise(chosen) !== normalise(value)) {
        refused.push({ key, value, reason: `the profile '${profile.name}' sets it to ${chosen}: choose a profile with --profile instead` });
      }
      continue;
    }
    const warning = WARNED.find((w) => matches(key, w.keys));
    if (warning) warnings.push({ key, value, reason: warning.reason });
  }
  return { refused, warnings };
}

const normalise = (v: string) => v.trim().toLowerCase();

/** Reads, flattens and judges the team's file; refused keys are one error listing each with its reason. */
export function loadTeamFlinkConf(file: string, profile: Profile, release: ReleaseCapabilities): TeamFlinkConf {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HarnessError(`Cannot read the Flink configuration ${file}: ${(e as Error).message}`, 'Give the path of a YAML file (--flink-conf or HARNESS_FLINK_CONF).');
  }
  const properties = flattenFlinkYaml(text, file);
  const { refused, warnings } = judgeTeamConf(properties, profile, release);
  if (refused.length > 0) {
    throw new HarnessError(
      `${file} sets ${refused.length} key(s) the harness cannot run with:\n${refused.map((r) => `  ${r.key}: ${r.value}  (${r.reason})`).join('\n')}`,
      'Remove those keys from the file; everything else in it is applied.',
    );
  }
  return { source: file, properties, warnings };
}
