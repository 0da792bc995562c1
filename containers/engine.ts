import type Dockerode from 'dockerode';
import { HarnessError } from '../config/harness-error.js';

// Testcontainers' resource reaper (Ryuk) is an image we cannot pull here; the
// harness cleans up by its own labels instead (see janitor.ts). Set before
// testcontainers first reads it.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
// Every published port listens on 127.0.0.1 only (localhost-container.ts), so
// that is where testcontainers' wait strategies must knock. Left alone, it
// picks the bridge gateway (172.17.0.1) whenever /.dockerenv exists, i.e. when
// the harness itself runs in a container, as CI does: nothing answers there.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

const { getContainerRuntimeClient } = await import('testcontainers');

export type RuntimeClient = Awaited<ReturnType<typeof getContainerRuntimeClient>>;

export interface Engine {
  client: RuntimeClient;
  docker: Dockerode;
}

let engine: Promise<Engine> | undefined;

/** The Docker engine testcontainers found (DOCKER_HOST, socket, ...), or one clear error. */
export function dockerEngine(): Promise<Engine> {
  engine ??= getContainerRuntimeClient()
    .then((client) => ({ client, docker: client.container.dockerode }))
    .catch((cause: unknown) => {
      engine = undefined;
      throw new HarnessError(
        `No Docker engine is reachable (${firstLine(cause)}).`,
        'Start a Docker engine (Debian: `apt-get install -y docker.io && dockerd &`), ' +
          'or point DOCKER_HOST at one; `docker info` must answer.',
        { cause },
      );
    });
  return engine;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];
