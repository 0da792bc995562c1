import { describe, expect, test } from 'vitest';
import type { JobVertex } from '../../../containers/flink-rest.js';
import { restoreReached } from './kill-taskmanager-during.js';

// When the lifecycle step's restore kill may land: the resumed job's tasks
// deploying or initializing, or all RUNNING (the restore already over).

const vertex = (parallelism: number) => ({ parallelism }) as JobVertex;
const job = (counts: Record<string, number>, parallelisms: number[]) => ({ 'status-counts': counts, vertices: parallelisms.map(vertex) });

describe('kill-taskmanager-during(restore): the moment', () => {
  test('a job just submitted, with no tasks listed yet, has not reached its restore', () => {
    // The cluster run of 4 Dec: INITIALIZING, status counts {}, no vertices; the kill landed before any deployment.
    expect(restoreReached(job({}, []))).toBe(false);
    expect(restoreReached(job({ CREATED: 0 }, []))).toBe(false);
  });

  test('tasks scheduled only: not yet', () => {
    expect(restoreReached(job({ SCHEDULED: 10 }, [2, 2, 2, 2, 2]))).toBe(false);
  });

  test('tasks deploying or initializing: the restore is under way', () => {
    expect(restoreReached(job({ SCHEDULED: 8, DEPLOYING: 2 }, [2, 2, 2, 2, 2]))).toBe(true);
    expect(restoreReached(job({ RUNNING: 6, INITIALIZING: 4 }, [2, 2, 2, 2, 2]))).toBe(true);
  });

  test('every task RUNNING: the restore is over (said, not hidden); some RUNNING and some scheduled: not yet', () => {
    expect(restoreReached(job({ RUNNING: 10 }, [2, 2, 2, 2, 2]))).toBe(true);
    expect(restoreReached(job({ RUNNING: 6, SCHEDULED: 4 }, [2, 2, 2, 2, 2]))).toBe(false);
  });
});
