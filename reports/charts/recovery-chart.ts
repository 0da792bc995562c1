// Recovery times across scenarios: how long until the job was fully running
// again and until output reached a new window, one pair of bars per fault.
import type { TopLevelSpec } from 'vega-lite';
import { faultLabel, type Recovery } from '../../history/derived.js';

export interface ScenarioRecoveries {
  scenario: string;
  recoveries: Recovery[];
}

const METRICS = ['job fully running', 'output caught up'];

export function recoveryChart(scenarios: readonly ScenarioRecoveries[]): TopLevelSpec {
  const rows = scenarios.flatMap(({ scenario, recoveries }) =>
    recoveries.flatMap((r) => {
      const fault = `${scenario}: ${faultLabel(r.fault)}${recoveries.length > 1 ? ` #${r.fault.index + 1}` : ''}`;
      return [
        { fault, metric: METRICS[0], ms: r.runningAfterMs },
        { fault, metric: METRICS[1], ms: r.outputCaughtUpMs },
      ].flatMap(({ ms, ...rest }) => (ms === null ? [] : [{ ...rest, seconds: ms / 1000 }]));
    }),
  );
  // Horizontal bars at a fixed width: one row per fault, so the chart grows
  // downwards with the number of faults and always fits the page (vertical
  // bars of 160 px each ran past the right edge of a 1400 px window).
  const encoding = {
    y: { field: 'fault', type: 'nominal', title: null, axis: { labelLimit: 320 } },
    yOffset: { field: 'metric', type: 'nominal', scale: { domain: METRICS } },
    x: { field: 'seconds', type: 'quantitative', title: 'seconds after the fault took effect' },
  };
  return {
    title: 'Recovery time per fault',
    data: { values: rows },
    width: 560,
    height: { step: 16 },
    encoding,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { color: { field: 'metric', type: 'nominal', title: null, scale: { domain: METRICS, range: ['#27ae60', '#4c78a8'] }, legend: { orient: 'bottom' } } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: { text: { field: 'seconds', type: 'quantitative', format: '.1f' } },
      },
    ],
  } as TopLevelSpec;
}
