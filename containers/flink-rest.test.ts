import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { decideByNewEntries, FlinkRest, FlinkRestError, FlinkRestUnresolved } from './flink-rest.js';

// FlinkRest's send-once rule without containers: a fake JobManager behind a
// fake fetch, and a network that loses requests before the JobManager sees them
// or loses the answer after it acted. A POST (run, stop, upload) reaches the
// JobManager at most once; what it did is found by a lookup; GETs are retried.

/** What the network does with one request: deliver it, lose it on the way, or lose its answer. */
type Fate = 'ok' | 'lost-before' | 'lost-after';

const NAME = 'Click Event Count';

class FakeJobManager {
  jobs: { jid: string; name: string; state: string }[] = [{ jid: 'a'.repeat(32), name: NAME, state: 'FINISHED' }];
  jars: { id: string; name: string; uploaded: number }[] = [{ id: 'old_click-event-count.jar', name: 'click-event-count.jar', uploaded: 1 }];
  savepoints = new Map<string, string>();
  /** Non-GET requests that reached the JobManager, as "METHOD /path". */
  actions: string[] = [];
  private next = 0;

  handle(method: string, url: URL, body: string | undefined): Response {
    const p = url.pathname;
    if (method !== 'GET') this.actions.push(`${method} ${p}`);
    const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status });
    if (method === 'GET' && p === '/jobs/overview') return json({ jobs: this.jobs.map((j) => ({ ...j, 'start-time': 0 })) });
    if (method === 'GET' && p === '/jars') return json({ files: this.jars });
    if (method === 'POST' && /^\/jars\/[^/]+\/run$/.test(p)) {
      const jid = (++this.next).toString(16).padStart(32, '0');
      this.jobs.push({ jid, name: NAME, state: 'RUNNING' });
      return json({ jobid: jid });
    }
    if (method === 'POST' && p === '/jars/upload') {
      const id = `${++this.next}_click-event-count.jar`;
      this.jars.push({ id, name: 'click-event-count.jar', uploaded: this.next });
      return json({ filename: `/tmp/flink-web/upload/${id}`, status: 'success' });
    }
    let m = /^\/jobs\/([0-9a-f]{32})\/stop$/.exec(p);
    if (method === 'POST' && m) {
      const trigger = (JSON.parse(body ?? '{}') as { triggerId?: string }).triggerId ?? 'f'.repeat(32);
      this.savepoints.set(trigger, m[1]!);
      return json({ 'request-id': trigger });
    }
    m = /^\/jobs\/([0-9a-f]{32})\/savepoints\/([0-9a-f]{32})$/.exec(p);
    if (method === 'GET' && m) {
      if (this.savepoints.get(m[2]!) !== m[1]) return json({ errors: ['There is no savepoint operation with that trigger id'] }, 404);
      return json({ status: { id: 'IN_PROGRESS' } });
    }
    if (method === 'GET' && p === '/overview') return json({ taskmanagers: 1 });
    return json({ errors: ['Not found'] }, 404);
  }

  /** A fetch through a network that applies `fates` to successive requests (then delivers everything). */
  fetch(fates: readonly Fate[]): typeof fetch {
    let i = 0;
    return (async (input: string | URL | Request, init?: RequestInit) => {
      const fate = fates[i++] ?? 'ok';
      const lost = () => new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      if (fate === 'lost-before') throw lost();
      const body = typeof init?.body === 'string' ? init.body : undefined;
      const res = this.handle(init?.method ?? 'GET', new URL(String(input)), body);
      if (fate === 'lost-after') throw lost();
      return res;
    }) as typeof fetch;
  }
}

const FAST = { lookupTimeoutMs: 30, lookupIntervalMs: 1, retryMinTimeoutMs: 1 };
const fatesArb = fc.array(fc.constantFrom<Fate>('ok', 'ok', 'lost-before', 'lost-after'), { maxLength: 12 });

let jar: string;
beforeAll(async () => {
  jar = path.join(await mkdtemp(path.join(os.tmpdir(), 'flink-rest-test-')), 'click-event-count.jar');
  await writeFile(jar, 'PK fake jar');
});

async function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('FlinkRest: non-idempotent requests are sent once, and an unanswered one is looked up', () => {
  test('POST /jars/<id>/run: at most one run reaches the JobManager; a run it got is found, one it never got fails', async () => {
    await fc.assert(
      fc.asyncProperty(fatesArb, async (fates) => {
        const jm = new FakeJobManager();
        const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(fates), ...FAST });
        const r = await outcome(rest.runJar('x.jar', { programArgs: ['--checkpointing'], jobName: NAME }));
        const runs = jm.actions.filter((a) => a.endsWith('/run'));
        expect(runs.length).toBeLessThanOrEqual(1);
        const started = jm.jobs.filter((j) => j.state === 'RUNNING').map((j) => j.jid);
        if (runs.length === 1) expect(r.value, String(r.error)).toBe(started[0]);
        else expect(r.value).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  test('POST /jobs/<id>/stop: sent once with our trigger id; an unanswered stop the JobManager got returns that trigger id', async () => {
    const job = 'b'.repeat(32);
    await fc.assert(
      fc.asyncProperty(fatesArb, async (fates) => {
        const jm = new FakeJobManager();
        const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(fates), ...FAST });
        const r = await outcome(rest.stopWithSavepoint(job));
        const stops = jm.actions.filter((a) => a.endsWith('/stop'));
        expect(stops.length).toBeLessThanOrEqual(1);
        if (stops.length === 1) expect(r.value, String(r.error)).toBe([...jm.savepoints.keys()][0]);
        else expect(r.error).toBeInstanceOf(FlinkRestUnresolved);
      }),
      { numRuns: 100 },
    );
  });

  test('POST /jars/upload: at most one upload; an unanswered one returns the new jar of that name', async () => {
    await fc.assert(
      fc.asyncProperty(fatesArb, async (fates) => {
        const jm = new FakeJobManager();
        const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(fates), ...FAST });
        const r = await outcome(rest.uploadJar(jar));
        const uploads = jm.actions.filter((a) => a.endsWith('/upload'));
        expect(uploads.length).toBeLessThanOrEqual(1);
        if (uploads.length === 1) expect(r.value, String(r.error)).toBe(jm.jars.at(-1)!.id);
        else expect(r.value).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  test('an unanswered run that left no job fails naming the request and the lookup, and is not resent', async () => {
    const jm = new FakeJobManager();
    // The "before" lookup answers, the run is lost on the way.
    const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(['ok', 'lost-before']), ...FAST });
    const r = await outcome(rest.runJar('x.jar', { programArgs: [], jobName: NAME }));
    expect(r.error).toBeInstanceOf(FlinkRestUnresolved);
    const message = String((r.error as Error).message);
    expect(message).toContain('POST /jars/x.jar/run');
    expect(message).toContain('not resent');
    expect(message).toContain(`GET /jobs/overview for a new job named ${NAME}`);
    expect(message).toContain('no new job');
    expect(jm.actions).toEqual([]);
  });

  test('an unanswered run whose job did start returns that job, not the one that was there before', async () => {
    const jm = new FakeJobManager();
    const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(['ok', 'lost-after']), ...FAST });
    const id = await rest.runJar('x.jar', { programArgs: [] });
    expect(id).toBe('1'.padStart(32, '0'));
    expect(jm.actions).toEqual(['POST /jars/x.jar/run']);
  });

  test('two new jobs cannot be told apart: the run fails rather than guess', () => {
    expect(() => decideByNewEntries(['1', '2'], 'job', () => undefined)).toThrow(/cannot tell which one/);
    expect(decideByNewEntries(['1'], 'job', () => undefined)).toBe('1');
    expect(decideByNewEntries([], 'job', () => undefined)).toBeUndefined();
  });

  test('an HTTP error is an answer: neither resent nor looked up', async () => {
    const jm = new FakeJobManager();
    let posts = 0;
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'POST') {
        posts++;
        return new Response('{"errors":["bad request"]}', { status: 400 });
      }
      return jm.handle('GET', new URL(String(input)), undefined);
    }) as typeof globalThis.fetch;
    const r = await outcome(new FlinkRest('http://jm:8081', { fetch, ...FAST }).runJar('x.jar', { programArgs: [] }));
    expect(r.error).toBeInstanceOf(FlinkRestError);
    expect((r.error as FlinkRestError).status).toBe(400);
    expect(posts).toBe(1);
  });

  test('GETs are resent after lost requests or answers (up to 3 times)', async () => {
    const jm = new FakeJobManager();
    const rest = new FlinkRest('http://jm:8081', { fetch: jm.fetch(['lost-before', 'lost-after', 'lost-before']), ...FAST });
    expect((await rest.overview()).taskmanagers).toBe(1);
    const gone = new FlinkRest('http://jm:8081', { fetch: jm.fetch(['lost-before', 'lost-before', 'lost-before', 'lost-before']), ...FAST });
    await expect(gone.overview()).rejects.toThrow(/GET \/overview: no answer/);
  });
});
