import { spawn } from 'node:child_process';
import { HarnessError } from '../../config/harness-error.js';
import type { Step } from '../../config/progress.js';

/** Runs Maven in batch mode; on failure throws with Maven's own last lines. */
export async function mvn(args: string[], cwd: string, s: Step): Promise<void> {
  const out: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('mvn', ['-B', '--no-transfer-progress', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (b: Buffer) => {
      for (const line of b.toString().split('\n')) {
        if (!line.trim()) continue;
        out.push(line);
        if (out.length > 400) out.shift();
        s.update(line.replace(/\x1b\[[0-9;]*m/g, '').slice(0, 100));
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      throw new HarnessError(
        'Maven (`mvn`) is not installed: it builds the job jar and resolves the Kafka broker from Maven Central.',
        'Install Java 17 and Maven (Debian: `apt-get install -y openjdk-17-jdk-headless maven`).',
      );
    }
    throw e;
  });
  if (code !== 0) {
    s.fail();
    const tail = out.slice(-30).join('\n');
    const offline = /Could not transfer|Unknown host|UnknownHostException|Connection refused|timed out/i.test(tail);
    throw new HarnessError(
      `mvn ${args.join(' ')} failed (exit ${code}) in ${cwd}:\n${tail}`,
      offline
        ? 'Maven Central is unreachable from this machine: check its network/proxy (~/.m2/settings.xml), or fill ~/.m2 from a machine that reaches it.'
        : 'Fix the error Maven reports above and rerun.',
    );
  }
}
