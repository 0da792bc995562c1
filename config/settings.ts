import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from './harness-error.js';

// One home for every setting: typed, with defaults, overridable from the
// environment, printed at the top of every report so a run can be reproduced.

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Settings {
  /**
   * Flink release (any on PyPI's apache-flink / Maven Central), or a local
   * distribution standing in for one: `dist:<folder or .tgz>` (FLINK_DIST).
   */
  flinkVersion: string;
  /** Kafka broker release, from Maven Central (org.apache.kafka:kafka_2.13). */
  kafkaVersion: string;
  /**
   * The org.apache.flink:flink-connector-kafka each Flink release's job is built
   * against. Unset: the newest connector of the release's own line on Maven Central.
   */
  kafkaConnectors: KafkaConnectorSettings;
  /**
   * Base image for every image we build. 'auto' uses debian:bookworm-slim when
   * the engine has it or can pull it, else bootstraps one from Debian's
   * packages (debootstrap + docker import) as flink-harness/debian-base:bookworm.
   */
  baseImage: string;
  /** Where downloads, builds and reports go (git-ignored). */
  outDir: string;
  /** 'smoke' (npm test) or 'nightly'. */
  tier: 'smoke' | 'nightly';
  /** Seed for generated schedules; fixed per run and printed in the report. */
  seed: number;
  /** Keep containers of a failed scenario for inspection (default: remove). */
  keepOnFailure: boolean;
  /**
   * The version matrix (FLINK_VERSIONS, comma-separated): the releases
   * `npm run matrix` runs the suites on. Smoke default: just flinkVersion;
   * nightly default: the 1.20 LTS and the newest 2.x.
   */
  flinkVersions: string[];
  /** The upgrade scenario: savepoint on `from`, resume on `to` (HARNESS_UPGRADE_FROM / HARNESS_UPGRADE_TO). */
  upgrade: { from: string; to: string };
  /** Fault schedules (property-based): schedules per sink; each one is a fresh cluster. */
  scheduleRuns: number;
  /** Fault schedules: at most this many generated commands per schedule. */
  scheduleMaxCommands: number;
  /** Fault schedules: wall-time budget of one run (cluster start to verdict), ms. */
  scheduleRunBudgetMs: number;
  /** Fault schedules: time allowed for shrinking a counterexample, ms; 0 = no shrinking. */
  scheduleShrinkBudgetMs: number;
  /** Fault schedules: at most this many schedules for the negative control (job without checkpointing) to fail. */
  scheduleControlRuns: number;
  /**
   * The profile runs are made under (HARNESS_PROFILE, `npm start -- --profile <name>`):
   * state backend, checkpoint and restore modes, scheduler (containers/profiles/profile.ts).
   */
  profile: string;
  /** The profile was asked for (HARNESS_PROFILE): scenarios run under it or say why not; otherwise each draws one from the seed. */
  profileGiven: boolean;
  /** The team's own Flink configuration merged over the harness's (HARNESS_FLINK_CONF, `--flink-conf <path>`). */
  flinkConf?: string;
  /** Replays one fault schedule (set by `npm run replay`): the suite, fast-check seed, path and commands' replayPath. */
  scheduleReplay?: { suite: string; seed: number; path: string; replayPath?: string };
}

/** A connector a user names: a Maven version, or a local jar that stands in for one. */
export type ConnectorChoice = { kind: 'maven'; version: string } | { kind: 'jar'; path: string };

export interface KafkaConnectorSettings {
  /**
   * KAFKA_CONNECTOR_VERSIONS: per release ("2.3.0") or per line ("2.3", any of
   * its releases); a release's own entry wins over its line's.
   */
  perRelease: Record<string, ConnectorChoice>;
  /** KAFKA_CONNECTOR_VERSION: one connector for every release the map does not name. */
  all?: string;
}

const env = process.env;

export const DEFAULT_FLINK_VERSION = '2.2.1';
export const DEFAULT_KAFKA_VERSION = '4.1.1';
/** The 1.20 LTS release the matrix and the upgrade scenario start from. */
export const LTS_FLINK_VERSION = '1.20.3';

/** "1.20.3, 2.2.1" -> ['1.20.3', '2.2.1'] (blanks and repeats dropped, order kept). */
export function parseVersionList(text: string): string[] {
  return [...new Set(text.split(',').map((v) => v.trim()).filter(Boolean))];
}

const RELEASE_OR_LINE = /^\d+\.\d+(\.\d+)?$/;
/** Maven versions as connectors are published ("5.0.0-2.2", "3.4.0-1.20", "5.1-SNAPSHOT"). */
export const CONNECTOR_VERSION = /^\d+(\.\d+)*(-[0-9A-Za-z.]+)*$/;

/**
 * KAFKA_CONNECTOR_VERSIONS: "2.3.0=5.0.0-2.2, 1.20.3=3.4.0-1.20, 2.3=jar:/path/flink-connector-kafka.jar".
 * Entries are comma-separated `<release or line>=<connector version | jar:path>`;
 * a malformed entry or a release named twice is one error naming that entry.
 */
export function parseConnectorMap(text: string): Record<string, ConnectorChoice> {
  const map: Record<string, ConnectorChoice> = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    const value = eq < 0 ? '' : entry.slice(eq + 1).trim();
    const bad = (why: string) =>
      new HarnessError(
        `KAFKA_CONNECTOR_VERSIONS: entry '${entry}' ${why}.`,
        'Write entries as <Flink release>=<connector version> or <Flink release>=jar:<path>, comma-separated, e.g. KAFKA_CONNECTOR_VERSIONS=2.3.0=5.0.0-2.2,1.20.3=3.4.0-1.20.',
      );
    if (eq < 0) throw bad("has no '='");
    if (!RELEASE_OR_LINE.test(key)) throw bad(`names '${key}', which is not a Flink release (2.3.0) or line (2.3)`);
    if (key in map) throw bad(`names ${key} a second time`);
    if (value.startsWith('jar:')) {
      const file = value.slice(4).trim();
      if (!file) throw bad('gives no path after jar:');
      map[key] = { kind: 'jar', path: file };
    } else if (CONNECTOR_VERSION.test(value)) {
      map[key] = { kind: 'maven', version: value };
    } else {
      throw bad(`gives '${value}', which is neither a flink-connector-kafka version (5.0.0-2.2) nor jar:<path>`);
    }
  }
  return map;
}

/** The inverse of parseConnectorMap (for reports and commands to rerun). */
export function formatConnectorMap(map: Record<string, ConnectorChoice>): string {
  return Object.entries(map)
    .map(([k, c]) => `${k}=${c.kind === 'jar' ? `jar:${c.path}` : c.version}`)
    .join(',');
}

export function loadSettings(): Settings {
  const tier = env.HARNESS_TIER === 'nightly' ? 'nightly' : 'smoke';
  // FLINK_DIST: a local distribution (folder or .tgz) in place of a release; FLINK_VERSION, when set, wins.
  const flinkVersion = env.FLINK_VERSION?.trim() || (env.FLINK_DIST?.trim() ? `dist:${env.FLINK_DIST.trim()}` : DEFAULT_FLINK_VERSION);
  const matrix = parseVersionList(env.FLINK_VERSIONS ?? '');
  return {
    flinkVersion,
    kafkaVersion: env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION,
    kafkaConnectors: {
      perRelease: parseConnectorMap(env.KAFKA_CONNECTOR_VERSIONS ?? ''),
      all: env.KAFKA_CONNECTOR_VERSION?.trim() || undefined,
    },
    baseImage: env.HARNESS_BASE_IMAGE?.trim() || 'auto',
    outDir: path.resolve(env.HARNESS_OUT_DIR?.trim() || path.join(REPO_ROOT, 'out')),
    tier,
    seed: env.HARNESS_SEED ? Number(env.HARNESS_SEED) : Date.now() % 2 ** 31,
    keepOnFailure: env.HARNESS_KEEP_ON_FAILURE === 'true',
    flinkVersions: matrix.length > 0 ? matrix : tier === 'nightly' ? parseVersionList(`${LTS_FLINK_VERSION},${DEFAULT_FLINK_VERSION}`) : [flinkVersion],
    upgrade: {
      from: env.HARNESS_UPGRADE_FROM?.trim() || LTS_FLINK_VERSION,
      to: env.HARNESS_UPGRADE_TO?.trim() || DEFAULT_FLINK_VERSION,
    },
    scheduleRuns: intEnv('HARNESS_SCHEDULE_RUNS', tier === 'nightly' ? 20 : 1),
    scheduleMaxCommands: intEnv('HARNESS_SCHEDULE_MAX_COMMANDS', tier === 'nightly' ? 8 : 3),
    scheduleRunBudgetMs: intEnv('HARNESS_SCHEDULE_RUN_BUDGET_MS', tier === 'nightly' ? 600_000 : 240_000),
    scheduleShrinkBudgetMs: intEnv('HARNESS_SCHEDULE_SHRINK_BUDGET_MS', tier === 'nightly' ? 1_800_000 : 0),
    scheduleControlRuns: intEnv('HARNESS_SCHEDULE_CONTROL_RUNS', tier === 'nightly' ? 5 : 3),
    profile: env.HARNESS_PROFILE?.trim() || 'playground',
    profileGiven: Boolean(env.HARNESS_PROFILE?.trim()),
    flinkConf: env.HARNESS_FLINK_CONF?.trim() ? path.resolve(env.HARNESS_FLINK_CONF.trim()) : undefined,
    scheduleReplay: env.HARNESS_SCHEDULE_REPLAY_PATH?.trim()
      ? {
          suite: env.HARNESS_SCHEDULE_REPLAY_SUITE?.trim() ?? '',
          seed: Number(env.HARNESS_SCHEDULE_REPLAY_SEED),
          path: env.HARNESS_SCHEDULE_REPLAY_PATH.trim(),
          replayPath: env.HARNESS_SCHEDULE_REPLAY_COMMANDS?.trim() || undefined,
        }
      : undefined,
  };
}

/** A non-negative integer from the environment, or the default. */
function intEnv(name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Where downloaded artifacts are cached between runs. */
export const cacheDir = (s: Settings) => path.join(s.outDir, 'cache');
