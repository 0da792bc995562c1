// What resuming a job from a savepoint came to, as recorded: restored (and
// what Flink says it restored), or Flink's own reason why not. Plain data, so
// faults/ (which resumes and records) and assertions/ (which judges) share it
// without importing each other.
import type { IncompatibleSavepoint, JobFailure } from './restore-failure.js';

/** Where the failure text came from. */
export type FailureSource = 'cli' | 'exception history' | 'execution result';

export type RestoreOutcome =
  | {
      kind: 'restored';
      jobId: string;
      savepoint: string;
      /** The checkpoint Flink says it restored (REST /jobs/<id>/checkpoints latest.restored). */
      restoredPath: string;
      restoredIsSavepoint: boolean;
      /** From the submission to all tasks RUNNING (report figure; never asserted). */
      msToRunning: number;
    }
  | (IncompatibleSavepoint & FailureContext)
  | (JobFailure & FailureContext);

interface FailureContext {
  jobId?: string;
  savepoint: string;
  source: FailureSource;
  /** The job kept restarting and was cancelled after the outcome was known. */
  cancelled?: boolean;
}

/** The same path written two ways: file:/x, file:///x, /x. */
export function sameSavepoint(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^file:(\/\/)?/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  return norm(a) === norm(b);
}

/**
 * What latest.restored says after a resume from the savepoint at `location`. Under CLAIM
 * Flink takes the savepoint over as a checkpoint of the job and reports it so
 * (`is_savepoint` false, the same path; measured on 2.2.1: "Restoring job ... from
 * Checkpoint 6 ... located at .../savepoint-..."); otherwise as a savepoint.
 */
export function restoredSavepoint(location: string, restoreMode: string): { isSavepoint: boolean; path: string } {
  return { isSavepoint: restoreMode !== 'CLAIM', path: location };
}
