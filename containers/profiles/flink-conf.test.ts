import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import { flattenFlinkYaml, judgeTeamConf, loadTeamFlinkConf } from './flink-conf.js';
import { profileNamed, releaseCapabilities } from './profile.js';

const release = releaseCapabilities('2.2.1');
const playground = profileNamed('playground');

/** Dotted keys where no key is a prefix of another (so nesting them is unambiguous). */
const segment = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const flatArb = fc
  .uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.')), { minLength: 0, maxLength: 8 })
  .filter((keys) => keys.every((k) => keys.every((o) => o === k || !o.startsWith(`${k}.`))))
  .chain((keys) => fc.tuple(fc.constant(keys), fc.array(fc.oneof(fc.stringMatching(/^[a-zA-Z0-9/_:-]{1,12}$/), fc.integer().map(String), fc.boolean().map(String)), { minLength: keys.length, maxLength: keys.length })))
  .map(([keys, values]) => Object.fromEntries(keys.map((k, i) => [k, values[i]!])));

function nest(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = v;
  }
  return root;
}

describe('--flink-conf', () => {
  test('property: flat `key: value` YAML and the same keys nested (Flink 2.x config.yaml) flatten to the same keys', () => {
    fc.assert(
      fc.property(flatArb, (flat) => {
        expect(flattenFlinkYaml(stringify(flat))).toEqual(flat);
        expect(flattenFlinkYaml(stringify(nest(flat)))).toEqual(flat);
      }),
    );
  });

  test("lists become Flink's `a;b`, a key given flat and nested is an error, broken YAML names the line", () => {
    expect(flattenFlinkYaml('env:\n  java:\n    opts:\n      all: [-Xss2m, -Dx=1]\n')).toEqual({ 'env.java.opts.all': '-Xss2m;-Dx=1' });
    expect(() => flattenFlinkYaml('a.b: 1\na:\n  b: 2\n')).toThrow(/sets 'a.b' twice/);
    expect(() => flattenFlinkYaml('a: [1, 2\nb: 3\n')).toThrow(HarnessError);
    expect(flattenFlinkYaml('')).toEqual({});
  });

  test('keys the harness relies on are refused, each with its reason; assumed ones are warnings', () => {
    const { refused, warnings } = judgeTeamConf(
      {
        'heartbeat.timeout': '50000',
        'rest.bind-address': '127.0.0.1',
        'rest.port': '9091',
        'state.checkpoints.dir': 's3://bucket/cp',
        'execution.checkpointing.savepoint-dir': 's3://bucket/sp',
        'restart-strategy.type': 'none',
        'restart-strategy.fixed-delay.attempts': '3',
        'taskmanager.numberOfTaskSlots': '4',
        'taskmanager.memory.process.size': '4g',
        'metrics.reporter.prom.factory.class': 'org.apache.flink.metrics.prometheus.PrometheusReporterFactory',
      },
      playground,
      release,
    );
    expect(refused.map((r) => r.key).sort()).toEqual(
      ['execution.checkpointing.savepoint-dir', 'heartbeat.timeout', 'restart-strategy.fixed-delay.attempts', 'restart-strategy.type', 'rest.bind-address', 'rest.port', 'state.checkpoints.dir', 'taskmanager.numberOfTaskSlots'].sort(),
    );
    for (const r of refused) expect(r.reason.length).toBeGreaterThan(20);
    expect(warnings.map((w) => w.key)).toEqual(['taskmanager.memory.process.size']);
  });

  test("a profile key with another value than the profile's is refused (pick a profile); the same value, under any of its names, is fine", () => {
    const { refused } = judgeTeamConf({ 'state.backend.type': 'rocksdb', 'state.backend.incremental': 'false', 'jobmanager.scheduler': 'default' }, playground, release);
    expect(refused).toEqual([{ key: 'state.backend.type', value: 'rocksdb', reason: expect.stringContaining("profile 'playground' sets it to hashmap") }]);
  });

  test('property: a key neither the harness nor the profile uses is applied without warning', () => {
    fc.assert(
      fc.property(flatArb, (flat) => {
        const own = Object.fromEntries(Object.entries(flat).map(([k, v]) => [`team.${k}`, v]));
        expect(judgeTeamConf(own, playground, release)).toEqual({ refused: [], warnings: [] });
      }),
    );
  });

  test('a file with a refused key is one error listing every refused key with its reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flink-conf-'));
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'heartbeat:\n  timeout: 60000\nrest.port: 9091\npipeline.object-reuse: true\n');
    expect(() => loadTeamFlinkConf(file, playground, release)).toThrow(/2 key\(s\)[\s\S]*heartbeat.timeout: 60000[\s\S]*rest.port: 9091/);
    writeFileSync(file, 'pipeline.object-reuse: true\njobmanager.memory.process.size: 2g\n');
    const conf = loadTeamFlinkConf(file, playground, release);
    expect(conf.properties).toEqual({ 'pipeline.object-reuse': 'true', 'jobmanager.memory.process.size': '2g' });
    expect(conf.warnings.map((w) => w.key)).toEqual(['jobmanager.memory.process.size']);
    expect(() => loadTeamFlinkConf(path.join(dir, 'missing.yaml'), playground, release)).toThrow(/Cannot read/);
  });
});
