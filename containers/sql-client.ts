import path from 'node:path';
import type { SqlClientJars } from './images/sql-client-jars.js';
import type { NodeHandle } from './node-handle.js';

// The real Flink SQL client (`sql-client.sh -f <script>`), run in the client
// container as a person would in the playground (`docker-compose run client
// sql-client.sh -f job.sql`). Before its first use in a client container the
// jars it needs are copied in (containers/images/sql-client-jars.ts says why
// each one); a new client container (after an upgrade) gets its release's own.

/** Where the connector's jars and the scripts go in the client container. */
export const SQL_DIR = '/opt/sql';
const OPT_DIR = '/opt/flink/opt';

export interface SqlClientResult {
  command: string;
  script: string;
  exitCode: number;
  /** stdout and stderr, ANSI colours removed. */
  output: string;
  /** The first [ERROR] the client printed and what follows it (Flink's reason), if any. */
  error?: string;
}

export class SqlClientTimeout extends Error {}

export class SqlClient {
  private scripts = 0;

  private constructor(
    private readonly client: NodeHandle,
    readonly jars: SqlClientJars,
  ) {}

  /** Copies the SQL client's opt/ jars and the Kafka connector's jars into the client container. */
  static async install(client: NodeHandle, jars: SqlClientJars): Promise<SqlClient> {
    await client.started.copyFilesToContainer([
      ...jars.opt.map((j) => ({ source: path.join(jars.optDir, j), target: `${OPT_DIR}/${j}`, mode: 0o644 })),
      ...jars.connector.map((j) => ({ source: path.join(jars.connectorDir, j), target: `${SQL_DIR}/${j}`, mode: 0o644 })),
    ]);
    return new SqlClient(client, jars);
  }

  /** The container this client runs in (a replaced cluster has a new one). */
  get containerId(): string {
    return this.client.id;
  }

  /** Paths of the connector's jars in the container, for ADD JAR. */
  get connectorJars(): string[] {
    return this.jars.connector.map((j) => `${SQL_DIR}/${j}`);
  }

  /** Writes `script` into the container and runs `sql-client.sh -f` on it, bounded. */
  async run(name: string, script: string, timeoutMs = 180_000): Promise<SqlClientResult> {
    const file = `${SQL_DIR}/${String(++this.scripts).padStart(2, '0')}-${name.replace(/[^a-z0-9-]+/gi, '-')}.sql`;
    await this.client.started.copyContentToContainer([{ content: script, target: file, mode: 0o644 }]);
    const command = `sql-client.sh -f ${file}`;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SqlClientTimeout(`\`${command}\` did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const r = await Promise.race([this.client.started.exec(['sql-client.sh', '-f', file]), expired]);
      const output = stripAnsi(`${r.stdout}\n${r.stderr}`);
      return { command, script, exitCode: r.exitCode, output, ...errorOf(output) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The job an INSERT or EXECUTE PLAN submitted: "Job ID: <32 hex>". */
export function parseSqlJobId(output: string): string | undefined {
  return /Job ID: ([0-9a-f]{32})/.exec(output)?.[1];
}

/** STOP JOB ... WITH SAVEPOINT prints a one-column table "savepoint path": its value. */
export function parseSqlSavepointPath(output: string): string | undefined {
  return /\|\s*((?:file|hdfs|s3a?|gs|oss):\S*?\/savepoint-[^\s|]+)\s*\|/.exec(output)?.[1];
}

/**
 * The first [ERROR] block: "[ERROR] Could not execute SQL statement. Reason:\n<exception>: <message>",
 * up to where the client speaks again (its next prompt, or "Shutting down the session..." after
 * a failed -f script), so Flink's message is not run on with the client's own lines.
 */
export function sqlClientError(output: string): string | undefined {
  const at = output.indexOf('[ERROR]');
  if (at < 0) return undefined;
  const block = output.slice(at);
  const end = block.search(/\n\s*(?:Shutting down the session\.\.\.|Flink SQL>)/);
  return (end < 0 ? block : block.slice(0, end)).trim();
}

function errorOf(output: string): { error?: string } {
  const error = sqlClientError(output);
  return error === undefined ? {} : { error };
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
