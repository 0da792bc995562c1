import type fc from 'fast-check';
import { HarnessError } from '../../../config/harness-error.js';
import type { JobSpec } from '../../../config/job-spec.js';
import { proxiesKafka, proxiesZooKeeper, type Topology } from '../../../containers/topology.js';
import { describeAction, describeTopology, environmentLacks, precondition, type Action, type ScheduleEnvironment, type ScheduleModel } from '../model.js';
import type { ScheduleReal } from '../real.js';
import { runCutTaskManagerFromJobManager, runCutTaskManagerFromKafka } from './cut-taskmanager.js';
import { runIsolateJobManagerLeader } from './isolate-jobmanager-leader.js';
import { runKafkaToxic } from './kafka-toxic.js';
import { runKillJobManagerLeader } from './kill-jobmanager-leader.js';
import { runKillPartitionLeader } from './kill-partition-leader.js';
import { runKillTaskManager } from './kill-taskmanager.js';
import { runKillTaskManagerDuring } from './kill-taskmanager-during.js';
import { runKillTransactionCoordinator } from './kill-transaction-coordinator.js';
import { runPauseJobManagerLeader } from './pause-jobmanager-leader.js';
import { runPauseTaskManager } from './pause-taskmanager.js';
import { runIsolateBroker } from './isolate-broker.js';
import { runPausePartitionLeader } from './pause-partition-leader.js';
import { runPauseTransactionCoordinator } from './pause-transaction-coordinator.js';
import { runRescaleAdaptive } from './rescale-adaptive.js';
import { runRestartKafka } from './restart-kafka.js';
import { runRestartZooKeeper } from './restart-zookeeper.js';
import { runRollingRestartKafka } from './rolling-restart-kafka.js';
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
    // The schedule's environment (run-schedule checked that the cluster is built as it says).
    requireEnvironment(a, m.environment);
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
      case 'kill-taskmanager-during':
        return runKillTaskManagerDuring(m, r, a);
      case 'kill-jobmanager-leader':
        return runKillJobManagerLeader(m, r, a);
      case 'pause-jobmanager-leader':
        return runPauseJobManagerLeader(m, r, a);
      case 'restart-zookeeper':
        return runRestartZooKeeper(m, r, a);
      case 'kill-partition-leader':
        return runKillPartitionLeader(m, r, a);
      case 'kill-transaction-coordinator':
        return runKillTransactionCoordinator(m, r, a);
      case 'rolling-restart-kafka':
        return runRollingRestartKafka(m, r, a);
      case 'cut-taskmanager-from-kafka':
        return runCutTaskManagerFromKafka(m, r, a);
      case 'cut-taskmanager-from-jobmanager':
        return runCutTaskManagerFromJobManager(m, r, a);
      case 'pause-partition-leader':
        return runPausePartitionLeader(m, r, a);
      case 'pause-transaction-coordinator':
        return runPauseTransactionCoordinator(m, r, a);
      case 'isolate-broker':
        return runIsolateBroker(m, r, a);
      case 'rescale-adaptive':
        return runRescaleAdaptive(m, r, a);
      case 'kafka-toxic':
        return runKafkaToxic(m, r, a);
      case 'isolate-jobmanager-leader':
        return runIsolateJobManagerLeader(m, r, a);
    }
  }

  toString(): string {
    return describeAction(this.action);
  }
}

/** The environment the real cluster and job give: run-schedule refuses a schedule whose topology the cluster was not built as. */
export const realEnvironment = (t: Topology, spec: JobSpec): ScheduleEnvironment => ({
  topology: { jobManagers: t.jobManagers, brokers: t.brokers, partitionable: t.partitionable === true, ...(proxiesKafka(t) ? { kafkaProxy: true } : {}), ...(proxiesZooKeeper(t) ? { zookeeperProxy: true } : {}) },
  exactlyOnceSink: spec.exactlyOnce === true,
});

/**
 * A step its environment lacks never runs: the arbitrary does not generate it
 * and the model's precondition skips it. Run anyway (a schedule or a replay
 * that bypasses the precondition), it is a clear error, not a fault that half-happens.
 */
export function requireEnvironment(a: Action, env: ScheduleEnvironment): void {
  const lacks = environmentLacks(env, a.kind);
  if (lacks.length === 0) return;
  throw new HarnessError(
    `${describeAction(a)} needs ${lacks.join(', and ')} (this run: ${describeTopology(env.topology)}, ${env.exactlyOnceSink ? 'exactly-once' : 'at-least-once'} sink${env.scheduler === 'adaptive' ? ', adaptive scheduler' : ''})`,
    'Replay it with the suite it came from (npm run replay -- --suite <id> ...): each suite fixes its topology and sink.',
  );
}
