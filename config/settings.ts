import path from 'node:path';
import { fileURLToPath } from 'node:url';

// One home for every setting: typed, with defaults, overridable from the
// environment, printed at the top of every report so a run can be reproduced.

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Settings {
  /** Flink release (any on PyPI's apache-flink / Maven Central). */
  flinkVersion: string;
  /** Kafka broker release, from Maven Central (org.apache.kafka:kafka_2.13). */
  kafkaVersion: string;
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
}

const env = process.env;

export const DEFAULT_FLINK_VERSION = '2.2.1';
export const DEFAULT_KAFKA_VERSION = '4.1.1';

export function loadSettings(): Settings {
  const tier = env.HARNESS_TIER === 'nightly' ? 'nightly' : 'smoke';
  return {
    flinkVersion: env.FLINK_VERSION?.trim() || DEFAULT_FLINK_VERSION,
    kafkaVersion: env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION,
    baseImage: env.HARNESS_BASE_IMAGE?.trim() || 'auto',
    outDir: path.resolve(env.HARNESS_OUT_DIR?.trim() || path.join(REPO_ROOT, 'out')),
    tier,
    seed: env.HARNESS_SEED ? Number(env.HARNESS_SEED) : Date.now() % 2 ** 31,
    keepOnFailure: env.HARNESS_KEEP_ON_FAILURE === 'true',
  };
}

/** Where downloaded artifacts are cached between runs. */
export const cacheDir = (s: Settings) => path.join(s.outDir, 'cache');
