import { describe, expect, test } from 'vitest';
import type { Cluster } from '../../containers/cluster.js';
import { snapshotIdByTaker } from './profile-verification.js';

/** A cluster whose REST answers only checkpoint statistics, per job. */
const clusterWith = (histories: Record<string, { id: number; status: 'COMPLETED' | 'FAILED'; is_savepoint: boolean; external_path?: string }[]>) =>
  ({
    rest: {
      checkpoints: async (jobId: string) => {
        if (!(jobId in histories)) throw new Error(`404 /jobs/${jobId}/checkpoints`);
        return { history: histories[jobId] };
      },
    },
  }) as unknown as Cluster;

describe("a resumed job's snapshot id, from the job that took it", () => {
  const cluster = clusterWith({
    stopped: [
      { id: 7, status: 'COMPLETED', is_savepoint: true, external_path: 'file:/tmp/flink-savepoints-directory/savepoint-aa-1/' },
      { id: 6, status: 'COMPLETED', is_savepoint: false },
    ],
    failed: [{ id: 9, status: 'FAILED', is_savepoint: true, external_path: 'file:/tmp/flink-savepoints-directory/savepoint-bb-2' }],
  });

  test('found by its path, however Flink spells it', async () => {
    expect(await snapshotIdByTaker(cluster, ['gone', 'stopped'], '/tmp/flink-savepoints-directory/savepoint-aa-1')).toBe(7);
  });

  test('a failed snapshot, or one no job holds, is no id', async () => {
    expect(await snapshotIdByTaker(cluster, ['stopped', 'failed'], 'file:/tmp/flink-savepoints-directory/savepoint-bb-2')).toBeUndefined();
    expect(await snapshotIdByTaker(cluster, ['stopped'], 'file:/tmp/elsewhere')).toBeUndefined();
  });
});
