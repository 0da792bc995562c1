import net from 'node:net';
import { HarnessError } from '../config/harness-error.js';

/** A free port on 127.0.0.1, chosen up front so the broker can advertise it and keep it across restarts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function assertPortFree(port: number, setting: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new HarnessError(
          `Port ${port} on 127.0.0.1, wanted for ${what}, is already taken (${e.code}).`,
          `Stop what listens there (\`ss -ltnp 'sport = :${port}'\`), or set ${setting} to another port (0 = any free port).`,
        ),
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

