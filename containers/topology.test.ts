import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { HarnessError } from '../config/harness-error.js';
import { playgroundFlinkProperties } from './flink-properties.js';
import { resolveClusterSpec } from './cluster.js';
import { checkTopology, DEFAULT_TOPOLOGY, parseFlinkMemorySize, requireTopology, topologyLacks, topologyMemory, type Topology, unbuiltProxies, proxiesZooKeeper, topologyOf } from './topology.js';

const GiB = 1024 ** 3;
const props = playgroundFlinkProperties();
const topology = fc.record<Topology>({
  jobManagers: fc.constantFrom(1 as const, 2 as const),
  taskManagers: fc.integer({ min: 0, max: 8 }),
  slotsPerTaskManager: fc.integer({ min: 1, max: 8 }),
  brokers: fc.constantFrom(1 as const, 3 as const),
});
const roomy = { totalBytes: 1024 * GiB, availableBytes: 1024 * GiB };

describe('topology', () => {
  test('the playground topology needs the process sizes of its nodes, node by node', () => {
    const f = topologyMemory(DEFAULT_TOPOLOGY, props);
    expect(f.lines.map((l) => [l.node, l.count, l.eachBytes / 2 ** 20])).toEqual([
      ['JobManager', 1, 1600], ['TaskManager', 1, 1728], ['Kafka broker', 1, 768], ['CLI client', 1, 512], ['harness', 1, 1024],
    ]);
    expect(topologyMemory({ ...DEFAULT_TOPOLOGY, jobManagers: 2 }, props).lines.find((l) => l.node === 'ZooKeeper')?.count).toBe(1);
  });

  prop.prop([topology, fc.integer({ min: 0, max: 64 })])('checkTopology refuses exactly what does not fit, naming the figure', (t, gib) => {
    const machine = { totalBytes: 64 * GiB, availableBytes: gib * GiB };
    const need = topologyMemory(t, props).totalBytes;
    if (need <= machine.availableBytes) expect(checkTopology(t, props, machine).totalBytes).toBe(need);
    else {
      const e = (() => { try { checkTopology(t, props, machine); } catch (x) { return x; } })() as HarnessError;
      expect(e).toBeInstanceOf(HarnessError);
      expect(e.message).toContain(`${(need / GiB).toFixed(1)} GiB`);
      expect(e.message).toContain(`${gib.toFixed(1)} GiB available`);
    }
  });

  prop.prop([topology, fc.integer({ min: 1, max: 4 })])('one more node of a kind needs more memory', (t, more) => {
    const base = topologyMemory(t, props).totalBytes;
    expect(topologyMemory({ ...t, taskManagers: t.taskManagers + more }, props).totalBytes).toBeGreaterThan(base);
    if (t.jobManagers === 1) expect(topologyMemory({ ...t, jobManagers: 2 }, props).totalBytes).toBeGreaterThan(base);
  });

  test('a malformed topology or memory size is refused before anything starts', () => {
    expect(() => checkTopology({ ...DEFAULT_TOPOLOGY, jobManagers: 3 as never }, props, roomy)).toThrow(/jobManagers is 3/);
    expect(() => checkTopology({ ...DEFAULT_TOPOLOGY, taskManagers: -1 }, props, roomy)).toThrow(/taskManagers is -1/);
    expect(() => checkTopology(DEFAULT_TOPOLOGY, { ...props, 'taskmanager.memory.process.size': 'lots' }, roomy)).toThrow(/not a memory size/);
  });

  prop.prop([fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(['m', 2 ** 20], ['mb', 2 ** 20], [' g', 2 ** 30], ['k', 1024], ['', 1], ['GB', 2 ** 30])])(
    "parseFlinkMemorySize reads Flink's units",
    (n, [unit, factor]) => {
      expect(parseFlinkMemorySize(`${n}${unit}`)).toBe(n * (factor as number));
    },
  );

  prop.prop([topology, topology])('requireTopology throws exactly when a need is not met, and says what the run has', (t, asked) => {
    const need = { ...(asked.jobManagers === 2 ? { jobManagers: 2 as const } : {}), ...(asked.brokers === 3 ? { brokers: 3 as const } : {}), taskManagers: asked.taskManagers };
    const meets = (need.jobManagers ?? 1) <= t.jobManagers && (need.brokers ?? 1) <= t.brokers && need.taskManagers <= t.taskManagers;
    expect(topologyLacks(t, need).length === 0).toBe(meets);
    if (meets) requireTopology(t, need, 'some-fault');
    else expect(() => requireTopology(t, need, 'some-fault')).toThrow(HarnessError);
  });

  test('the error names the fault, the shape it needs and the shape the run has', () => {
    expect(() => requireTopology(DEFAULT_TOPOLOGY, { jobManagers: 2 }, 'jobmanager-leader-kill')).toThrow(
      'jobmanager-leader-kill needs jobManagers: 2 (HA); this run has 1',
    );
    expect(() => requireTopology(DEFAULT_TOPOLOGY, { proxies: [{ from: 'taskmanager', to: 'kafka' }] }, 'latency')).toThrow(/proxy taskmanager -> kafka; this run has none/);
  });

  test("a cluster spec's old fields keep working, its topology wins", () => {
    const base = { runId: 'r', scenario: 's', flinkVersion: '2.2.1', flinkImage: 'f', kafkaImage: 'k', jobJar: 'j', storageDir: '/tmp/x' };
    expect(resolveClusterSpec(base).topology).toEqual(DEFAULT_TOPOLOGY);
    expect(resolveClusterSpec({ ...base, taskManagers: 0, slotsPerTaskManager: 4 })).toMatchObject({ taskManagers: 0, slotsPerTaskManager: 4, topology: { taskManagers: 0, slotsPerTaskManager: 4 } });
    expect(resolveClusterSpec({ ...base, taskManagers: 3, topology: { taskManagers: 2, jobManagers: 2 } })).toMatchObject({ taskManagers: 2, topology: { jobManagers: 2, taskManagers: 2 } });
  });
});

describe('proxies the cluster builds', () => {
  const zkLink = { from: 'jobmanager', to: 'zookeeper' } as const;
  const kafkaLink = { from: 'taskmanager', to: 'kafka' } as const;

  test('taskmanager -> kafka always, jobmanager -> zookeeper only under HA, nothing else', () => {
    expect(unbuiltProxies(topologyOf({ proxies: [kafkaLink] }))).toEqual([]);
    expect(unbuiltProxies(topologyOf({ jobManagers: 2, proxies: [zkLink, kafkaLink] }))).toEqual([]);
    expect(unbuiltProxies(topologyOf({ proxies: [zkLink] })).join('; ')).toMatch(/jobmanager -> zookeeper without HA/);
    expect(unbuiltProxies(topologyOf({ proxies: [{ from: 'taskmanager', to: 'jobmanager' }] }))).toEqual(['a proxy taskmanager -> jobmanager']);
    expect(proxiesZooKeeper(topologyOf({ jobManagers: 2, proxies: [zkLink] }))).toBe(true);
    expect(proxiesZooKeeper(topologyOf({ jobManagers: 2, proxies: [kafkaLink] }))).toBe(false);
  });

  test('each proxy is a toxiproxy node in the memory figure', () => {
    const props = { 'jobmanager.memory.process.size': '1600m', 'taskmanager.memory.process.size': '1728m' };
    const proxies = (t: Parameters<typeof topologyOf>[0]) => topologyMemory(topologyOf(t), props).lines.find((l) => l.node === 'toxiproxy')?.count ?? 0;
    expect(proxies({})).toBe(0);
    expect(proxies({ proxies: [kafkaLink] })).toBe(1);
    expect(proxies({ jobManagers: 2, proxies: [zkLink, kafkaLink] })).toBe(2);
  });
});
