import type { Cluster } from '../containers/cluster.js';
import type { Profile, ReleaseCapabilities } from '../containers/profiles/profile.js';
import type { HistoryRecorder } from '../history/recorder.js';

/** What an operation or fault acts on, and where it writes down what it did. */
export interface Testbed {
  cluster: Cluster;
  history: HistoryRecorder;
  /**
   * The run's production profile: a resume passes its restore mode and a stop
   * its savepoint format (absent: Flink's defaults, the playground's).
   */
  profile?: { profile: Profile; release: ReleaseCapabilities };
  /** Jobs the harness resumed from a snapshot, appended by submitJob: the restore mode's evidence is judged on them. */
  resumes?: { jobId: string; location: string; hostPath: string }[];
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
