import type Dockerode from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';

/**
 * One container of the cluster, with the faults a person would inject by hand:
 * SIGKILL, graceful stop, start again, pause/unpause (a GC-stall-like freeze).
 * Acts through the engine API so the same container (same name, IP, volumes)
 * comes back, like `docker-compose up -d <service>` after a kill.
 */
export class NodeHandle {
  constructor(
    readonly name: string,
    readonly role: 'jobmanager' | 'taskmanager' | 'kafka' | 'client' | 'proxy' | 'zookeeper',
    readonly started: StartedTestContainer,
    private readonly docker: Dockerode,
  ) {}

  get id(): string {
    return this.started.getId();
  }

  private get container(): Dockerode.Container {
    return this.docker.getContainer(this.id);
  }

  async kill(): Promise<void> {
    await this.container.kill({ signal: 'SIGKILL' });
  }

  /** SIGTERM, then SIGKILL after `timeoutS`; the container and its files stay. */
  async stop(timeoutS = 30): Promise<void> {
    await this.container.stop({ t: timeoutS }).catch(ignoreNotModified);
  }

  async start(): Promise<void> {
    await this.container.start().catch(ignoreNotModified);
  }

  async restart(timeoutS = 30): Promise<void> {
    await this.container.restart({ t: timeoutS });
  }

  async pause(): Promise<void> {
    await this.container.pause();
  }

  async unpause(): Promise<void> {
    await this.container.unpause();
  }

  async isRunning(): Promise<boolean> {
    const info = await this.container.inspect().catch(() => undefined);
    return info?.State.Running === true && info.State.Paused !== true;
  }

  /** Published ports as the engine reports them (for the 127.0.0.1-only check). */
  async publishedPorts(): Promise<{ containerPort: string; hostIp: string; hostPort: string }[]> {
    const info = await this.container.inspect();
    return Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([containerPort, bindings]) =>
      (bindings ?? []).map((b) => ({ containerPort, hostIp: b.HostIp, hostPort: b.HostPort })),
    );
  }

  /** Whether the engine runs it privileged (it must not). */
  async isPrivileged(): Promise<boolean> {
    return (await this.container.inspect()).HostConfig.Privileged === true;
  }

  /** Everything the container printed, across restarts. */
  async logs(tailLines?: number): Promise<string> {
    const buf = (await this.container.logs({ stdout: true, stderr: true, follow: false, tail: tailLines ?? 'all' } as never)) as unknown as Buffer;
    return demux(buf);
  }

  /** Removes the container (immediately: the scenario is over). */
  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

const ignoreNotModified = (e: { statusCode?: number }) => {
  if (e?.statusCode !== 304) throw e;
};

/** Docker's multiplexed log stream: 8-byte headers before each frame. */
function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    const len = buf.readUInt32BE(i + 4);
    if (type !== 1 && type !== 2) return buf.toString('utf8'); // a TTY stream has no headers
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}
