import { dockerEngine } from '../containers/engine.js';
import type { NodeHandle } from '../containers/node-handle.js';
import { recorded, type Testbed } from './context.js';

// TaskManager faults, as a person would inject them in the playground
// (`docker-compose kill taskmanager`, `docker-compose up -d taskmanager`, ...).
// Kill and pause record the node's addresses with the fault: Flink's exception
// history names a lost TaskManager by "<address>:<port>", and that is the
// evidence (assertions/fault-evidence.ts) that the fault hit the job.

const tm = (tb: Testbed, index: number) => {
  const node = tb.cluster.taskManagers[index];
  if (!node) throw new Error(`no TaskManager #${index} (have ${tb.cluster.taskManagers.length})`);
  return node;
};

export const killTaskManager = async (tb: Testbed, index = 0) => {
  const node = tm(tb, index);
  return recorded(tb, 'fault', 'kill-taskmanager', node.name, () => node.kill(), undefined, await addressesOf(node));
};

export const startTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'operation', 'start-taskmanager', tm(tb, index).name, () => tm(tb, index).start());

export const pauseTaskManager = async (tb: Testbed, index = 0) => {
  const node = tm(tb, index);
  return recorded(tb, 'fault', 'pause-taskmanager', node.name, () => node.pause(), undefined, await addressesOf(node));
};

export const unpauseTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'operation', 'unpause-taskmanager', tm(tb, index).name, () => tm(tb, index).unpause());

export const scaleTaskManagers = (tb: Testbed, n: number) =>
  recorded(tb, 'operation', 'scale-taskmanagers', `${n} TaskManager(s)`, () => tb.cluster.scaleTaskManagers(n));

/** The node's addresses on its networks now; none when it does not run (never throws: evidence, not a precondition). */
async function addressesOf(node: NodeHandle): Promise<string[]> {
  try {
    const { docker } = await dockerEngine();
    const info = await docker.getContainer(node.id).inspect();
    return Object.values(info.NetworkSettings.Networks ?? {})
      .map((n) => n.IPAddress)
      .filter((ip): ip is string => Boolean(ip));
  } catch {
    return [];
  }
}
