// Figures derived from a history, for reports: pure, recomputable, and never
// part of the verdict (the oracle alone decides pass or fail).
import { duplicatesByFault, type DuplicatesAfterFault } from './duplicates-by-fault.js';
import { faultOccurrences, type FaultOccurrence } from './fault-occurrences.js';
import { outputRate, type RateBucket } from './output-rate.js';
import { recoveryTimes, type Recovery } from './recovery.js';
import type { History } from './types.js';

export { duplicatesByFault, type DuplicatesAfterFault } from './duplicates-by-fault.js';
export { faultLabel, faultOccurrences, type FaultOccurrence } from './fault-occurrences.js';
export { outputRate, type RateBucket } from './output-rate.js';
export { isFullyRunning, recoveryTimes, type Recovery } from './recovery.js';

export interface DerivedFigures {
  faults: FaultOccurrence[];
  recoveries: Recovery[];
  outputRate: RateBucket[];
  duplicatesByFault: DuplicatesAfterFault[];
}

export function deriveFigures(history: History, bucketMs = 1000): DerivedFigures {
  return {
    faults: faultOccurrences(history.events),
    recoveries: recoveryTimes(history),
    outputRate: outputRate(history, bucketMs),
    duplicatesByFault: duplicatesByFault(history),
  };
}
