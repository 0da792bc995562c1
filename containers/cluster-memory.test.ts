import { describe, expect, test } from 'vitest';
import { usedBytes } from './cluster-memory.js';

describe('docker stats memory', () => {
  test('usage less inactive page cache, as the docker CLI shows it (cgroup v2 and v1)', () => {
    expect(usedBytes({ memory_stats: { usage: 1_000, stats: { inactive_file: 200 } } })).toBe(800);
    expect(usedBytes({ memory_stats: { usage: 1_000, stats: { total_inactive_file: 300 } } })).toBe(700);
    expect(usedBytes({ memory_stats: { usage: 1_000 } })).toBe(1_000);
    expect(usedBytes({})).toBe(0);
  });
});
