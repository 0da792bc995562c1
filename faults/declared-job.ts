// Submitting a job other than Click Event Count (the dedup job, a declared
// job): `flink run -d -c <entry class> [-s savepoint] [-p n] <jar> <args>` in
// the client container, as a person would. Recorded as the same operation as
// submitJob ('submit-job-cli'), so the evidence rules pair a resume with its
// savepoint the same way.
import { parseSubmittedJobId } from '../containers/flink-cli.js';
import { programArgs, type ArgValues, type JobSpec } from '../config/job-spec.js';
import { recorded, type Testbed } from './context.js';
import { submissionTarget } from './job-operations.js';

export interface DeclaredSubmission {
  jobId: string;
  args: string[];
}

export async function submitDeclaredJob(
  tb: Testbed,
  spec: JobSpec,
  options: { savepoint?: string; parallelism?: number; values?: Partial<ArgValues> } = {},
): Promise<DeclaredSubmission> {
  const name = spec.jobName ?? spec.entryClass ?? 'job';
  const target = submissionTarget(name, options);
  return recorded(
    tb,
    'operation',
    'submit-job-cli',
    target,
    async () => {
      const args = programArgs(spec, undefined, { ...(options.parallelism ? { parallelism: String(options.parallelism) } : {}), ...options.values });
      const cli = ['run', '-d'];
      if (spec.entryClass) cli.push('-c', spec.entryClass);
      if (options.savepoint) cli.push('-s', options.savepoint);
      if (options.parallelism) cli.push('-p', String(options.parallelism));
      const r = await tb.cluster.cli.run([...cli, tb.cluster.cli.jarPath, ...args]);
      const jobId = parseSubmittedJobId(r.stdout);
      if (r.exitCode !== 0 || !jobId) throw new Error(`flink run failed (exit ${r.exitCode}):\n${r.stdout.slice(-2_000)}\n${r.stderr.slice(-2_000)}`);
      return { jobId, args };
    },
    (s) => `job ${s.jobId}`,
  );
}
