// The checked-in sample history as a one-scenario run: what the report test
// and render-sample.ts render.
import { readFileSync } from 'node:fs';
import { judge } from '../assertions/oracle.js';
import { parseHistory } from '../history/serialize.js';
import type { OraclePolicy } from '../history/types.js';
import type { RunReport } from './run-report.js';

export const SAMPLE_POLICY: OraclePolicy = { sink: 'at-least-once', time: 'event-time' };

export function sampleRun(): RunReport {
  const history = parseHistory(readFileSync(new URL('./fixtures/sample-history.json', import.meta.url), 'utf8'));
  const verdict = judge(history.ledger, history.output, SAMPLE_POLICY);
  return {
    runId: 'sample',
    startedAt: history.startedAt - 40_000,
    finishedAt: history.endedAt + 5_000,
    settings: {
      flinkVersions: [history.flinkVersion],
      sink: SAMPLE_POLICY.sink,
      time: SAMPLE_POLICY.time,
      parallelism: 2,
      checkpointIntervalMs: 2_000,
      taskManagers: 2,
      seed: 42,
      source: 'reports/fixtures/sample-history.json',
    },
    versions: { harness: 'fixture' },
    scenarios: [
      {
        name: history.scenario,
        flinkVersion: history.flinkVersion,
        status: verdict.ok ? 'passed' : 'failed',
        durationMs: history.endedAt - history.startedAt,
        verdict,
        history,
        extra: { note: 'fixture: no containers were started' },
      },
    ],
  };
}
