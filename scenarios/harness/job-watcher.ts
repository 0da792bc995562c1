import { taskCounts } from '../../containers/flink-rest.js';
import type { Testbed } from '../../faults/context.js';

/**
 * Polls the REST API while a scenario runs and writes job and task state
 * changes and completed checkpoints into the history. Polling errors (the
 * JobManager busy or restarting) are skipped: the next poll catches up.
 */
export class JobWatcher {
  private timer?: NodeJS.Timeout;
  private last = new Map<string, string>();
  private lastCheckpoint = new Map<string, number>();
  private polling = false;

  constructor(private readonly tb: Testbed, private readonly intervalMs = 500) {}

  start(): this {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    return this;
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { rest } = this.tb.cluster;
      for (const summary of await rest.jobs()) {
        const prev = this.last.get(summary.id);
        if (prev?.startsWith('FINISHED') || prev?.startsWith('CANCELED') || prev?.startsWith('FAILED')) continue;
        const job = await rest.job(summary.id);
        const tasks = taskCounts(job);
        const key = `${job.state} ${JSON.stringify(tasks)}`;
        if (key !== prev) {
          this.last.set(summary.id, key);
          this.tb.history.jobState(summary.id, job.state, tasks);
        }
        if (job.state !== 'RUNNING') continue;
        const stats = await rest.checkpoints(summary.id).catch(() => undefined);
        const c = stats?.latest.completed;
        if (c && c.id !== this.lastCheckpoint.get(summary.id)) {
          this.lastCheckpoint.set(summary.id, c.id);
          this.tb.history.checkpoint(summary.id, c.id, c.is_savepoint ? 'savepoint' : 'checkpoint', {
            path: c.external_path,
            sizeBytes: c.state_size ?? c.checkpointed_size,
          });
        }
      }
    } catch {
      // the next poll sees what this one missed
    } finally {
      this.polling = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.polling) await new Promise((r) => setTimeout(r, 50));
  }
}
