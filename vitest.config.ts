import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { loadSettings } from './config/settings.js';
import { newRunId } from './scenarios/harness/run-id.js';

// One run id per `vitest run`, fixed here so the JUnit file lands in the run's
// report folder beside report.json and index.html.
process.env.HARNESS_RUN_ID ??= newRunId();
// One seed per `vitest run` too: every scenario file (each in its own worker)
// would otherwise draw its own from the clock, and the report's single replay
// command would replay only one of them.
process.env.HARNESS_SEED ??= String(Date.now() % 2 ** 31);
const reportDir = path.join(loadSettings().outDir, 'reports', process.env.HARNESS_RUN_ID);

// Two projects: pure logic (milliseconds, runs first, in parallel) and the
// cluster scenarios (real containers, one at a time: machines have 2 cores).
export default defineConfig({
  test: {
    // JUnit through our subclass: an inconclusive scenario is <skipped> with its reason, never a pass.
    reporters: ['default', [path.resolve(import.meta.dirname, 'reports/junit-reporter.ts'), { outputFile: path.join(reportDir, 'junit.xml') }]],
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
