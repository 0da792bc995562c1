// Output records per second over a scenario, with a rule at every fault and
// at the moment the job was fully running again: the gap and the replay
// burst read directly against the faults that caused them.
import type { TopLevelSpec } from 'vega-lite';
import { faultLabel, type DerivedFigures } from '../../history/derived.js';
import type { History } from '../../history/types.js';

type Marker = { seconds: number; marker: string; label: string };

const MARKERS = ['fault invoked', 'fault ok', 'job fully running'];
const MARKER_COLORS = ['#c0392b', '#e67e22', '#27ae60'];

export function outputRateChart(history: History, figures: DerivedFigures, bucketMs = 1000): TopLevelSpec {
  const s = (t: number) => (t - history.startedAt) / 1000;
  const bars = figures.outputRate.map((b) => ({ ...b, endSeconds: b.secondsFromStart + bucketMs / 1000 }));
  const markers: Marker[] = figures.faults.flatMap((f) => [
    { seconds: s(f.invokedAt), marker: MARKERS[0], label: faultLabel(f) },
    ...(f.okAt === undefined ? [] : [{ seconds: s(f.okAt), marker: MARKERS[1], label: '' }]),
  ]);
  for (const r of figures.recoveries) {
    if (r.runningAfterMs !== null) markers.push({ seconds: s(r.fault.okAt! + r.runningAfterMs), marker: MARKERS[2], label: '' });
  }
  const x = { field: 'seconds', type: 'quantitative' as const };
  const color = {
    field: 'marker',
    type: 'nominal' as const,
    title: null,
    scale: { domain: MARKERS, range: MARKER_COLORS },
    legend: { orient: 'bottom' as const },
  };
  return {
    title: `Output records per second: ${history.scenario}`,
    width: 640,
    height: 180,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'secondsFromStart', type: 'quantitative', title: 'seconds since scenario start' },
          x2: { field: 'endSeconds' },
          y: { field: 'perSecond', type: 'quantitative', title: 'records / s' },
        },
      },
      {
        data: { values: markers },
        mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 2] },
        encoding: { x, color },
      },
      {
        data: { values: markers.filter((m) => m.label !== '') },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, fontSize: 11, color: '#c0392b' },
        encoding: { x, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}
