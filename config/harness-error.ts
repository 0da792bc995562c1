/**
 * An error a person can act on: what went wrong and the fix, without a stack
 * trace. Entry points print `message` and `fix` and exit non-zero.
 */
export class HarnessError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HarnessError';
  }

  /** One block of text for a terminal or a report. */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix}`;
  }
}

export const isHarnessError = (e: unknown): e is HarnessError => e instanceof HarnessError;
