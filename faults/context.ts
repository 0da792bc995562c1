import type { Cluster } from '../containers/cluster.js';
import type { HistoryRecorder } from '../history/recorder.js';

/** What an operation or fault acts on, and where it writes down what it did. */
export interface Testbed {
  cluster: Cluster;
  history: HistoryRecorder;
}

/** Runs `act` between an invoke and an ok/fail event in the history (Jepsen's op pairs). */
export async function recorded<T>(
  tb: Testbed,
  kind: 'fault' | 'operation',
  name: string,
  target: string,
  act: () => Promise<T>,
  describe?: (value: T) => string,
  /** Where the target node was when the fault began (faults only; see HistoryEvent 'fault'). */
  addresses?: readonly string[],
): Promise<T> {
  if (kind === 'fault') tb.history.fault(name, target, 'invoke', undefined, addresses);
  else tb.history.operation(name, target, 'invoke');
  try {
    const value = await act();
    tb.history[kind](name, target, 'ok', describe?.(value));
    return value;
  } catch (e) {
    tb.history[kind](name, target, 'fail', String((e as Error).message ?? e).split('\n')[0]);
    throw e;
  }
}
