import pRetry, { AbortError } from 'p-retry';

/** A bounded wait expired; the message says what was awaited, what was last seen and the cluster's state. */
export class WaitTimeout extends Error {
  constructor(readonly what: string, readonly lastSeen: string, readonly diagnostics: string, timeoutMs: number) {
    super(`Timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}.\n  last seen: ${lastSeen}\n${diagnostics}`);
    this.name = 'WaitTimeout';
  }
}

class NotYet extends Error {}

/** Thrown by a probe when waiting longer is pointless (the job FAILED, a savepoint failed). */
export class StopWaiting extends Error {}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Describes the cluster when the wait expires (job and task states, last log lines). */
  diagnose?: () => Promise<string>;
}

/**
 * Polls `probe` until it returns a value (not undefined), bounded by p-retry.
 * `probe` may call `seen(text)` to say what it observed, for the timeout message.
 * Errors thrown by the probe count as "not yet" (a REST call while Flink restarts).
 */
export async function waitFor<T>(
  what: string,
  probe: (seen: (text: string) => void) => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const interval = options.intervalMs ?? 500;
  let lastSeen = 'nothing yet';
  const seen = (text: string) => (lastSeen = text);
  const started = Date.now();
  try {
    return await pRetry(
      async () => {
        if (options.signal?.aborted) throw new AbortError(`aborted while waiting for ${what}`);
        let value: T | undefined;
        try {
          value = await probe(seen);
        } catch (e) {
          if (e instanceof StopWaiting) throw new AbortError(e);
          lastSeen = `error: ${String((e as Error).message ?? e).split('\n')[0]}`;
          throw new NotYet(lastSeen);
        }
        if (value === undefined) throw new NotYet(lastSeen);
        return value;
      },
      {
        retries: Math.ceil(options.timeoutMs / interval) + 10,
        factor: 1,
        minTimeout: interval,
        maxTimeout: interval,
        maxRetryTime: options.timeoutMs,
        signal: options.signal,
      },
    );
  } catch (e) {
    if (!(e instanceof NotYet)) throw e;
    const diagnostics = options.diagnose ? await options.diagnose().catch((d) => `(diagnostics failed: ${d})`) : '';
    throw new WaitTimeout(what, lastSeen, diagnostics, Date.now() - started);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rejects when `p` takes longer than `ms` (the work itself goes on; the scenario's teardown ends it). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${(ms / 1000).toFixed(0)} s waiting for ${what}`)), ms);
  });
  p.catch(() => undefined);
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
