import { readdirSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../../config/harness-error.js';
import { REPO_ROOT } from '../../config/settings.js';

/** Scenario names are the file names in scenarios/ without `.test.ts`. */
export function availableScenarios(dir = path.join(REPO_ROOT, 'scenarios')): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.test.ts'.length))
    .sort();
}

/** Maps requested names to files; an unknown name is an error that lists the known ones. */
export function selectScenarios(requested: readonly string[], available: readonly string[]): string[] {
  if (requested.length === 0) return available.map((n) => `scenarios/${n}.test.ts`);
  const unknown = requested.filter((r) => !available.includes(r));
  if (unknown.length) {
    throw new HarnessError(
      `Unknown scenario${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `'${u}'`).join(', ')}.`,
      `Use one of: ${available.join(', ')} (or none for all).`,
    );
  }
  return requested.map((n) => `scenarios/${n}.test.ts`);
}
