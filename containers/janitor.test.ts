import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ownerGone, processStart, selected, type ProcessTable } from './janitor.js';
import { formatOwner, LABEL_OWNER, LABEL_STARTED, parseOwner } from './labels.js';

const host = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
const owner = fc.record({ host, pid: fc.integer({ min: 1, max: 4_194_304 }), start: fc.option(fc.integer({ min: 0, max: 2 ** 40 }).map(String), { nil: undefined }) });

function procs(p: { host: string; alive: Record<number, string | undefined> }): ProcessTable {
  return { host: p.host, isAlive: (pid) => pid in p.alive, startOf: (pid) => p.alive[pid] };
}

describe('janitor: who owns a leftover', () => {
  prop.prop([owner])('owner labels round-trip', (o) => {
    expect(parseOwner(formatOwner(o))).toEqual(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
  });

  test('old labels (hostname:pid) still parse; garbage is no owner', () => {
    expect(parseOwner('ci-runner:4242')).toEqual({ host: 'ci-runner', pid: 4242 });
    expect(parseOwner('ci-runner:4242:99')).toEqual({ host: 'ci-runner', pid: 4242, start: '99' });
    for (const bad of [undefined, '', 'ci-runner', 'ci-runner:x', ':12']) expect(parseOwner(bad)).toBeUndefined();
  });

  prop.prop([owner, fc.boolean(), fc.option(fc.integer({ min: 0, max: 2 ** 40 }).map(String), { nil: undefined })])(
    'on this host: gone iff the pid is dead, or alive with another known start time (pid reused)',
    (o, alive, startNow) => {
      const p = procs({ host: o.host, alive: alive ? { [o.pid]: startNow } : {} });
      const reused = alive && o.start !== undefined && startNow !== undefined && startNow !== o.start;
      expect(ownerGone(o, p)).toBe(!alive || reused);
    },
  );

  prop.prop([owner, host, fc.boolean()])('another host\'s resources are never judged by our pids', (o, here, alive) => {
    fc.pre(here !== o.host);
    expect(ownerGone(o, procs({ host: here, alive: alive ? { [o.pid]: o.start } : {} }))).toBe(false);
  });

  test('the owner alive with its own start time is not a leftover (the run is still going)', () => {
    expect(ownerGone({ host: 'h', pid: 7, start: '100' }, procs({ host: 'h', alive: { 7: '100' } }))).toBe(false);
    expect(ownerGone({ host: 'h', pid: 7, start: '100' }, procs({ host: 'h', alive: { 7: '555' } }))).toBe(true);
    expect(ownerGone(undefined, procs({ host: 'h', alive: {} }))).toBe(false);
  });

  test('--older-than selects by the harness\'s started label, never what has none', () => {
    const p = procs({ host: 'h', alive: {} });
    const now = Date.parse('2026-12-01T12:00:00Z');
    const at = (iso: string) => ({ [LABEL_STARTED]: iso, [LABEL_OWNER]: 'elsewhere:1' });
    expect(selected({ olderThanMs: 3_600_000 }, at('2026-12-01T10:00:00Z'), p, now)).toBe(true);
    expect(selected({ olderThanMs: 3_600_000 }, at('2026-12-01T11:30:00Z'), p, now)).toBe(false);
    expect(selected({ olderThanMs: 3_600_000 }, {}, p, now)).toBe(false);
    expect(selected({ crashed: true }, at('2026-12-01T10:00:00Z'), p, now)).toBe(false);
    expect(selected({ runId: 'r' }, undefined, p, now)).toBe(true);
  });

  test.runIf(process.platform === 'linux')('this process has a start time, and it is stable', () => {
    expect(processStart(process.pid)).toMatch(/^\d+$/);
    expect(processStart(process.pid)).toBe(processStart(process.pid));
  });
});
