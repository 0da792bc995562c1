import type fc from 'fast-check';
import { describeAction, precondition, type Action, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runKillTaskManager } from './kill-taskmanager.js';
import { runPauseTaskManager } from './pause-taskmanager.js';
import { runRestartKafka } from './restart-kafka.js';
import { runSavepointResume } from './savepoint-resume.js';
import { runScaleTaskManagers } from './scale-taskmanagers.js';
import { runStartTaskManager } from './start-taskmanager.js';
import { runWaitWindows } from './wait-windows.js';

/** One generated step: its precondition on the model, its action on both, its check (fast-check AsyncCommand). */
export class ScheduleCommand implements fc.AsyncCommand<ScheduleModel, ScheduleReal> {
  constructor(readonly action: Action) {}

  check(m: Readonly<ScheduleModel>): boolean {
    return precondition(m, this.action);
  }

  async run(m: ScheduleModel, r: ScheduleReal): Promise<void> {
    const a = this.action;
    switch (a.kind) {
      case 'kill-taskmanager':
        return runKillTaskManager(m, r, a);
      case 'start-taskmanager':
        return runStartTaskManager(m, r, a);
      case 'scale-taskmanagers':
        return runScaleTaskManagers(m, r, a);
      case 'savepoint-resume':
        return runSavepointResume(m, r, a);
      case 'pause-taskmanager':
        return runPauseTaskManager(m, r, a);
      case 'restart-kafka':
        return runRestartKafka(m, r, a);
      case 'wait-windows':
        return runWaitWindows(m, r, a);
    }
  }

  toString(): string {
    return describeAction(this.action);
  }
}
