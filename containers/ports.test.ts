import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../config/harness-error.js';
import { assertPortFree, freePort } from './ports.js';

describe('host ports', () => {
  test('a taken port is one clear error naming the setting to change', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const error = await assertPortFree(port, 'HARNESS_WEB_UI_PORT', 'the Flink Web UI').catch((e) => e);
      expect(error).toBeInstanceOf(HarnessError);
      expect(error.message).toContain(`Port ${port}`);
      expect(error.fix).toContain('HARNESS_WEB_UI_PORT');
    } finally {
      server.close();
    }
  });

  test('a free port passes', async () => {
    await expect(assertPortFree(await freePort(), 'X', 'y')).resolves.toBeUndefined();
  });
});
