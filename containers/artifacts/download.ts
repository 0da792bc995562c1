import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pRetry from 'p-retry';
import { HarnessError } from '../../config/harness-error.js';
import { step } from '../../config/progress.js';

/** GET a JSON or text document, retried a few times (registries hiccup). */
export async function fetchText(url: string, what: string): Promise<string> {
  return pRetry(
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (res.status === 404) throw new NotFound(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.text();
    },
    { retries: 3, minTimeout: 1_000, shouldRetry: ({ error }) => !(error instanceof NotFound) },
  ).catch((e: unknown) => {
    if (e instanceof NotFound) throw e;
    throw unreachable(url, what, e);
  });
}

export class NotFound extends Error {
  constructor(readonly url: string) {
    super(`not found: ${url}`);
  }
}

function unreachable(url: string, what: string, cause: unknown): HarnessError {
  const host = new URL(url).host;
  return new HarnessError(
    `Cannot reach ${host} to fetch ${what} (${(cause as Error)?.message ?? cause}).`,
    `This harness builds its images from ${host}; check the network or proxy (HTTPS_PROXY) of this machine, ` +
      `or pre-fill the cache folder (out/cache) from a machine that reaches it.`,
    { cause },
  );
}

/**
 * Download a file once into `dest` (kept as a cache), checking its sha256
 * when the registry gives one. Shows bytes received on long downloads.
 */
export async function downloadOnce(url: string, dest: string, what: string, sha256?: string): Promise<string> {
  if (existsSync(dest)) return dest;
  await mkdir(path.dirname(dest), { recursive: true });
  const s = step(`Downloading ${what}`);
  const partial = `${dest}.partial`;
  try {
    await pRetry(
      async () => {
        const res = await fetch(url, { signal: AbortSignal.timeout(600_000) });
        if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
        const total = Number(res.headers.get('content-length') ?? 0);
        const hash = createHash('sha256');
        let received = 0;
        const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
        body.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          received += chunk.length;
          s.update(`${mb(received)}${total ? ` of ${mb(total)}` : ''}`);
        });
        await pipeline(body, createWriteStream(partial));
        const digest = hash.digest('hex');
        if (sha256 && digest !== sha256) throw new Error(`sha256 mismatch for ${url}: ${digest} != ${sha256}`);
      },
      { retries: 2, minTimeout: 2_000 },
    );
    await rename(partial, dest);
    s.succeed(`Downloaded ${what}`);
    return dest;
  } catch (e) {
    await rm(partial, { force: true });
    s.fail(`Download of ${what} failed`);
    throw unreachable(url, what, e);
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
