// Which fast-check path replays the execution that is about to run. Mirrors
// fast-check's runner: executions are numbered from 0; after a failing one,
// numbering restarts among its shrinks and the path grows by one segment.

export class PathTracker {
  private readonly failedAt: number[] = [];
  private index = -1;
  private lastPath = '';

  /** `base`: the path fast-check was started with (a replay), if any. */
  constructor(private readonly base = '') {}

  /** The path of the next execution. */
  next(): string {
    this.index++;
    this.lastPath = mergePaths(this.base, [...this.failedAt, this.index].join(':'));
    return this.lastPath;
  }

  /** The execution just started failed: fast-check shrinks it next. */
  failed(): void {
    this.failedAt.push(this.index);
    this.index = -1;
  }

  /** Executions since the first failure (shrink attempts). */
  get shrinking(): boolean {
    return this.failedAt.length > 0;
  }

  get current(): string {
    return this.lastPath;
  }
}

/** fast-check's RunExecution.mergePaths: a path relative to a replayed `offset`. */
export function mergePaths(offset: string, path: string): string {
  if (offset.length === 0) return path;
  const offsetItems = offset.split(':');
  const remaining = path.split(':');
  const middle = Number(offsetItems[offsetItems.length - 1]) + Number(remaining[0]);
  return [...offsetItems.slice(0, -1), String(middle), ...remaining.slice(1)].join(':');
}

/**
 * Bounds shrinking in wall time: once `budgetMs` has passed since the first
 * failure, `spent()` is true and the property skips (fc.pre(false)) every
 * remaining shrink candidate; fast-check then reports the smallest failure so far.
 */
export class ShrinkBudget {
  private firstFailureAt?: number;
  skipped = 0;

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  failed(): void {
    this.firstFailureAt ??= this.now();
  }

  /** Call once per execution: true when this execution must be skipped. */
  spent(): boolean {
    const spent = this.firstFailureAt !== undefined && this.now() - this.firstFailureAt > this.budgetMs;
    if (spent) this.skipped++;
    return spent;
  }
}
