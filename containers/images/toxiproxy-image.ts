import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../config/harness-error.js';
import { step } from '../../config/progress.js';
import { assembleContext } from './build-context.js';
import { buildImage } from './image-builder.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The Go module and release the proxy is built from (the newest the Go module proxy serves for v2). */
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';
export const TOXIPROXY_VERSION = 'v2.5.0';

/**
 * The toxiproxy image: `go install` of its server from the Go module proxy
 * into the cache (static, CGO off), then a two-line image on the base. No
 * registry and no release download: the Go toolchain builds it from source.
 */
export async function ensureToxiproxyImage(cache: string, baseImage: string, version = TOXIPROXY_VERSION): Promise<string> {
  const bin = path.join(cache, 'toxiproxy', version);
  if (!existsSync(path.join(bin, '.complete'))) {
    const s = step(`Building toxiproxy ${version} from its Go module`);
    await mkdir(bin, { recursive: true });
    await goInstall(`${TOXIPROXY_MODULE}/cmd/server@${version}`, bin).catch((e) => {
      s.fail();
      throw e;
    });
    await writeFile(path.join(bin, '.complete'), version);
    s.succeed(`Built toxiproxy ${version}`);
  }
  const context = await assembleContext(
    path.join(cache, 'contexts', `toxiproxy-${version}`),
    [{ from: path.join(here, 'toxiproxy', 'Dockerfile'), name: 'Dockerfile' }],
    [{ from: bin, name: 'bin' }],
  );
  return buildImage({
    repository: 'flink-harness/toxiproxy',
    flavour: version.replace(/^v/, ''),
    context,
    buildArgs: { BASE_IMAGE: baseImage },
    what: `toxiproxy ${version} built from its Go module`,
  });
}

async function goInstall(pkg: string, gobin: string): Promise<void> {
  const out: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('go', ['install', pkg], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean));
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      throw new HarnessError('Go (`go`) is not installed: it builds toxiproxy, the network proxy of the latency scenarios.', 'Install Go 1.22 or newer (Debian: `apt-get install -y golang-go`).');
    }
    throw e;
  });
  if (code !== 0) {
    throw new HarnessError(
      `go install ${pkg} failed (exit ${code}):\n${out.slice(-20).join('\n')}`,
      'The Go module proxy must be reachable (GOPROXY), or the module already in the Go module cache.',
    );
  }
}
