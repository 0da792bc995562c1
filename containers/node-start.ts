import { type GenericContainer, type StartedTestContainer } from 'testcontainers';
import { HarnessError } from '../config/harness-error.js';
import type { Step } from '../config/progress.js';
import { LABEL_OWNER, ownerLabel } from './janitor.js';
import { harnessLabels } from './labels.js';
import { LogTail } from './log-tail.js';

// What every node factory (Flink, Kafka, ZooKeeper) shares: names, labels, a bounded start.

/** Where a cluster's nodes go and how they are named and labelled. */
export interface NodePlacement {
  runId: string;
  scenario: string;
  network: string;
  /** Container name prefix (containerPrefix(), plus a version tag after an upgrade). */
  prefix: string;
}

export function nodeLabels(runId: string, scenario: string): Record<string, string> {
  return { ...harnessLabels(runId, scenario), [LABEL_OWNER]: ownerLabel() };
}

export function containerPrefix(runId: string, scenario: string): string {
  return `fh-${runId}-${scenario}`.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 60);
}

/**
 * Starts a node (2 min start-up bound) and marks its progress step failed if
 * it does not come up. The failure names where it was probed and carries the
 * node's last log lines: testcontainers removes the container, and its logs.
 */
export async function startWithProgress(container: GenericContainer, s: Step, node: string): Promise<StartedTestContainer> {
  const tail = new LogTail();
  try {
    return await container.withLogConsumer(tail.consume).withStartupTimeout(120_000).start();
  } catch (e) {
    s.fail();
    const host = process.env.TESTCONTAINERS_HOST_OVERRIDE ?? 'the host testcontainers chose';
    throw new HarnessError(
      `The ${node} did not come up: ${String((e as Error)?.message ?? e).split('\n')[0]} ` +
        `(probed on ${host}).\nIts last log lines:\n${indent(tail.text() || '(none)')}`,
      `If the log shows the ${node} running, its published port is not reachable on ${host} ` +
        '(set TESTCONTAINERS_HOST_OVERRIDE to where the engine publishes ports); otherwise the log says why it stopped.',
      { cause: e },
    );
  }
}

const indent = (text: string) => text.replace(/^/gm, '    ');
