import { defineConfig } from 'vitest/config';

// Two projects: pure logic (milliseconds, runs first, in parallel) and the
// cluster scenarios (real containers, one at a time: machines have 2 cores).
export default defineConfig({
  test: {
    reporters: ['default', ['junit', { outputFile: 'out/junit.xml' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{assertions,history,reports,workload,faults,config,containers,bin}/**/*.test.ts', 'scenarios/harness/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['scenarios/*.test.ts'],
          globalSetup: ['scenarios/global-setup.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
        },
      },
    ],
  },
});
