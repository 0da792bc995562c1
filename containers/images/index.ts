import type { Settings } from '../../config/settings.js';
import { cacheDir } from '../../config/settings.js';
import { type FlinkRelease, resolveFlinkRelease } from '../artifacts/flink-release.js';
import { ensureBaseImage } from './base-image.js';
import { ensureFlinkImage } from './flink-image.js';
import { ensureJobJar } from './job-jar.js';
import { ensureKafkaImage } from './kafka-image.js';
import { ensureToxiproxyImage } from './toxiproxy-image.js';
import { ensureZooKeeperImage } from './zookeeper-image.js';

/** Everything a cluster of one Flink release needs, built or taken from the cache. */
export interface ClusterImages {
  release: FlinkRelease;
  flinkImage: string;
  kafkaImage: string;
  jobJar: string;
  baseImage: string;
  /** The proxy of the network-fault scenarios (nightly tier only: it needs a Go toolchain). */
  toxiproxyImage?: string;
  /** ZooKeeper for JobManager HA (jobManagers: 2; the smoke tier has one HA leader kill). */
  zookeeperImage?: string;
}

export async function prepareImages(settings: Settings, flinkVersion = settings.flinkVersion): Promise<ClusterImages> {
  // Per release: each side of an upgrade builds its job against its own connector.
  const cache = cacheDir(settings);
  const release = await resolveFlinkRelease(flinkVersion, settings.kafkaConnectors, cache);
  const baseImage = await ensureBaseImage(settings.baseImage);
  const kafkaImage = await ensureKafkaImage(cache, settings.kafkaVersion, baseImage);
  const flinkImage = await ensureFlinkImage(cache, release, baseImage);
  const jobJar = await ensureJobJar(cache, release);
  // Built from its Go module: only the nightly tier has scenarios with a proxy.
  const toxiproxyImage = settings.tier === 'nightly' ? await ensureToxiproxyImage(cache, baseImage) : undefined;
  const zookeeperImage = await ensureZooKeeperImage(cache, baseImage);
  return { release, flinkImage, kafkaImage, jobJar, baseImage, zookeeperImage, ...(toxiproxyImage ? { toxiproxyImage } : {}) };
}
