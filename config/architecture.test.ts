import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from './settings.js';

// The rooms' contract (docs in README "Layout"): data flows one way, so the
// graph of imports between top-level folders has no cycle, and the checkers
// (assertions/) are functions of the history alone. Tests may reach across
// (fixtures), so only non-test sources count.

const ROOMS = ['assertions', 'bin', 'config', 'containers', 'faults', 'history', 'reports', 'scenarios', 'workload'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** room -> the other rooms its sources import (relative specifiers: static, dynamic, type-only). */
function roomGraph(): Map<string, Set<string>> {
  const graph = new Map(ROOMS.map((r) => [r, new Set<string>()]));
  for (const room of ROOMS) {
    for (const file of sources(path.join(REPO_ROOT, room))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.relative(REPO_ROOT, path.resolve(path.dirname(file), m[1]!)).split(path.sep)[0]!;
        if (target !== room && ROOMS.includes(target)) graph.get(room)!.add(target);
      }
    }
  }
  return graph;
}

/** One cycle as a path (a -> b -> a), or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('rooms', () => {
  const graph = roomGraph();

  test('no import cycle between rooms', () => {
    const cycle = findCycle(graph);
    expect(cycle?.join(' -> '), 'a cycle between rooms').toBeUndefined();
  });

  test('the checkers read the history only', () => {
    expect([...graph.get('assertions')!]).toEqual(['history']);
  });

  test('the history imports no other room', () => {
    expect([...graph.get('history')!]).toEqual([]);
  });

  test('findCycle finds a cycle, and none in a chain', () => {
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set<string>()]]))).toBeUndefined();
  });
});
