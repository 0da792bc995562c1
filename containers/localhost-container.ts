import { GenericContainer } from 'testcontainers';

/**
 * A GenericContainer whose published ports listen on 127.0.0.1 only.
 * Testcontainers publishes on 0.0.0.0 and [::]; Flink's REST API runs uploaded
 * jars, so it must not be reachable from other machines.
 */
export class LocalhostContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    const bindings = this.hostConfig.PortBindings ?? {};
    for (const key of Object.keys(bindings)) {
      bindings[key] = (bindings[key] as { HostPort?: string }[]).map((b) => ({ ...b, HostIp: '127.0.0.1' }));
    }
    this.hostConfig.PortBindings = bindings;
  }
}
