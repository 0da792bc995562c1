// A declared job under a fault schedule (the suite 'own-job'): its input from
// the declaration's generator, unbounded until the schedule ends; a time for
// the steps read off the acknowledged input at the schedule's pace; and a
// settle that holds once the job's consumer group committed everything
// written so far (a checkpoint completed past it) and, when the reference is
// the distinct input, every id is in the output. The run is judged afterwards
// by judgeOwnJob (fence, differential oracle, record ids, evidence).
import { waitFor } from '../../containers/wait.js';
import { GENERATOR_SPEEDUP } from '../../faults/schedule/commands/wait-windows.js';
import { scheduleStartMs } from '../../faults/schedule/click-workload.js';
import { bound, type ScheduleReal } from '../../faults/schedule/real.js';
import type { ScheduleInput, ScheduleWorkload } from '../../faults/schedule/workload.js';
import type { EventGenerator } from '../../workload/event-generator.js';
import { committedOffsets } from './fault-timing.js';
import { distinctOutput, OWN_JOB_GROUP, ownGenerator, type OwnJob } from './own-job.js';
import type { Scenario } from './scenario.js';

export interface DeclaredWorkload extends ScheduleWorkload {
  /** The generator once started: its ledger is what the judgment's reference rests on. */
  generator(): EventGenerator;
}

/**
 * Input time of a declared job's schedule: as many windows as the click
 * schedules see per acknowledged second of input (records at the declared
 * rate, GENERATOR_SPEEDUP windows' worth of 1/3 s each), from a window
 * boundary; after a bounded input (a dump) ended, it goes on with the wall clock.
 */
export function declaredInputTime(startMs: number, sent: number, rate: number, ended?: { atMs: number; nowMs: number }): number {
  if (sent === 0) return -1;
  const t = startMs + (sent / rate) * 1_000 * GENERATOR_SPEEDUP;
  return ended ? t + (ended.nowMs - ended.atMs) * GENERATOR_SPEEDUP : t;
}

export function declaredWorkload(s: Scenario, job: OwnJob): DeclaredWorkload {
  let generator: EventGenerator | undefined;
  const started = () => {
    if (!generator) throw new Error('the declared job\'s input has not started');
    return generator;
  };
  const d = job.declaration;
  const rate = d.input.generator?.rate ?? 2_000;
  /** Bounded, never throws: the job committed all input written so far and, against the distinct input, every id is in the output. */
  async function settle(timeoutMs: number): Promise<boolean> {
    const g = started();
    try {
      const end = await s.cluster.kafka.endOffsets('input');
      const distinct = g.ledger.values.size;
      const byDistinct = d.reference === 'distinct-input';
      await waitFor(
        `the declared job to commit input up to ${[...end].map(([p, o]) => `p${p}@${o}`).join(', ')}${byDistinct ? ` and ${distinct} distinct ids in the output` : ''}`,
        async (seen) => {
          const done = await committedOffsets(s.cluster, OWN_JOB_GROUP, 'input');
          const have = byDistinct ? distinctOutput(job, s.tap.records) : 0;
          seen(`${[...end].map(([p, o]) => `p${p} ${done.get(p) ?? -1}/${o}`).join(', ')}${byDistinct ? `; ${have}/${distinct} distinct in the output` : ''}`);
          const committed = [...end].every(([p, o]) => BigInt(done.get(p) ?? -1) >= o);
          return committed && (!byDistinct || have >= distinct) ? true : undefined;
        },
        { timeoutMs, intervalMs: 500, diagnose: () => s.cluster.diagnose() },
      );
      return true;
    } catch (e) {
      s.extra.settleDiagnostics = String((e as Error).message);
      return false;
    }
  }
  return {
    describe: `declared job ${d.name} (${d.sink}), input at ${rate}/s`,
    spec: job.spec,
    generator: started,
    start(): ScheduleInput {
      const g = (generator = ownGenerator(s, job).start());
      const startMs = scheduleStartMs();
      let endedAt: number | undefined;
      const done = g.done().then(() => void (endedAt = Date.now()));
      done.catch(() => undefined);
      return {
        inputTimeMs: () => declaredInputTime(startMs, g.ledger.sent, rate, endedAt === undefined ? undefined : { atMs: endedAt, nowMs: Date.now() }),
        stop: () => g.stop(),
        done: () => done,
      };
    },
    async warmUp(r: ScheduleReal): Promise<void> {
      const g = started();
      // A second of input, then all of it processed: the first step acts on a job that holds state.
      await waitFor('a second of the declared input acknowledged', async (seen) => {
        seen(`${g.ledger.sent} records sent`);
        return g.ledger.sent >= rate ? true : undefined;
      }, { timeoutMs: bound(r, 60_000), intervalMs: 100 });
      if (!(await settle(bound(r, 120_000)))) throw new Error(`the declared job processed its first input before the first step\n${String(s.extra.settleDiagnostics ?? '')}`);
      s.history.note('warm-up done: the first input is committed by the job and in the output');
    },
    settle,
    // No window layout to read: whether a job without slots wrote is not told from a declared job's output.
  };
}
