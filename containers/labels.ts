// The harness's own labels. Cleanup selects by these, never by
// testcontainers' shared session label, which other tools on the engine use.
export const LABEL_HARNESS = 'dev.flink-harness';
export const LABEL_RUN = 'dev.flink-harness.run';
export const LABEL_SCENARIO = 'dev.flink-harness.scenario';
export const LABEL_STARTED = 'dev.flink-harness.started';

export function harnessLabels(runId: string, scenario: string): Record<string, string> {
  return {
    [LABEL_HARNESS]: 'true',
    [LABEL_RUN]: runId,
    [LABEL_SCENARIO]: scenario,
    [LABEL_STARTED]: new Date().toISOString(),
  };
}
