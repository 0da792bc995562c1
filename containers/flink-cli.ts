import type { StartedTestContainer } from 'testcontainers';

export interface CliResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class CliTimeout extends Error {}

/**
 * The real `flink` CLI, run in the client container (as a person would with
 * `docker-compose run client flink ...`). Every call is bounded: exec has no
 * timeout of its own.
 */
export class FlinkCli {
  constructor(
    private readonly client: StartedTestContainer,
    readonly jarPath: string,
  ) {}

  async run(args: string[], timeoutMs = 120_000): Promise<CliResult> {
    const command = `flink ${args.join(' ')}`;
    const exec = this.client.exec(['flink', ...args]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliTimeout(`\`${command}\` did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const r = await Promise.race([exec, timeout]);
      return { command, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    } finally {
      clearTimeout(timer);
    }
  }

  help() {
    return this.run(['--help']);
  }
  list() {
    return this.run(['list']);
  }
  /** `flink run -d [-s savepoint] [-p n] <jar> <args>`; the job id is parsed from its output. */
  async submit(programArgs: string[], options: { savepoint?: string; parallelism?: number; restoreArgs?: string[]; entryClass?: string } = {}): Promise<CliResult & { jobId?: string }> {
    const args = ['run', '-d'];
    // A declared job's main class (else the jar manifest's).
    if (options.entryClass) args.push('-c', options.entryClass);
    // restoreArgs: the profile's `-claimMode <m>` (2.x) or `-restoreMode <m>` (1.20), only with a snapshot.
    if (options.savepoint) args.push('-s', options.savepoint, ...(options.restoreArgs ?? []));
    if (options.parallelism) args.push('-p', String(options.parallelism));
    const r = await this.run([...args, this.jarPath, ...programArgs]);
    return { ...r, jobId: parseSubmittedJobId(r.stdout) };
  }
  /** `flink stop [-p dir] <id>`: stop with savepoint; the path is parsed from its output. */
  async stop(jobId: string, savepointDir?: string, formatArgs: string[] = []): Promise<CliResult & { savepointPath?: string }> {
    // formatArgs: the profile's `--type canonical|native`.
    const args = ['stop', ...formatArgs];
    if (savepointDir) args.push('-p', savepointDir);
    const r = await this.run([...args, jobId], 300_000);
    return { ...r, savepointPath: parseSavepointPath(r.stdout) };
  }
}

export function parseSubmittedJobId(out: string): string | undefined {
  return /Job has been submitted with JobID ([0-9a-f]{32})/.exec(out)?.[1];
}

/** "Savepoint completed. Path: file:/tmp/flink-savepoints-directory/savepoint-..." */
export function parseSavepointPath(out: string): string | undefined {
  return /Savepoint completed\. Path: (\S+)/.exec(out)?.[1];
}

/** `flink list` lines: "<date> : <job-id> : <name> (<STATE>)" */
export function parseJobList(out: string): { jobId: string; name: string; state: string }[] {
  return [...out.matchAll(/^.+ : ([0-9a-f]{32}) : (.+) \(([A-Z]+)\)\s*$/gm)].map((m) => ({ jobId: m[1]!, name: m[2]!, state: m[3]! }));
}
