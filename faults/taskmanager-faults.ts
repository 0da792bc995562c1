import { recorded, type Testbed } from './context.js';

// TaskManager faults, as a person would inject them in the playground
// (`docker-compose kill taskmanager`, `docker-compose up -d taskmanager`, ...).

const tm = (tb: Testbed, index: number) => {
  const node = tb.cluster.taskManagers[index];
  if (!node) throw new Error(`no TaskManager #${index} (have ${tb.cluster.taskManagers.length})`);
  return node;
};

export const killTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'fault', 'kill-taskmanager', tm(tb, index).name, () => tm(tb, index).kill());

export const startTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'operation', 'start-taskmanager', tm(tb, index).name, () => tm(tb, index).start());

export const pauseTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'fault', 'pause-taskmanager', tm(tb, index).name, () => tm(tb, index).pause());

export const unpauseTaskManager = (tb: Testbed, index = 0) =>
  recorded(tb, 'operation', 'unpause-taskmanager', tm(tb, index).name, () => tm(tb, index).unpause());

export const scaleTaskManagers = (tb: Testbed, n: number) =>
  recorded(tb, 'operation', 'scale-taskmanagers', `${n} TaskManager(s)`, () => tb.cluster.scaleTaskManagers(n));

export const restartKafka = (tb: Testbed) =>
  recorded(tb, 'fault', 'restart-kafka', tb.cluster.kafka.node.name, () => tb.cluster.kafka.restart());

export const kafkaOutage = (tb: Testbed, downMs: number, whileDown?: () => void) =>
  recorded(tb, 'fault', 'kafka-outage', `${tb.cluster.kafka.node.name} down ${downMs / 1000} s`, () => tb.cluster.kafka.outage(downMs, whileDown));
