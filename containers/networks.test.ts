import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { pickSubnets } from './networks.js';

const toInt = (cidr: string) => {
  const [ip, bits] = cidr.split('/');
  const n = ip!.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return [n - (n % size), size] as const;
};
const overlap = (a: string, b: string) => {
  const [s1, n1] = toInt(a);
  const [s2, n2] = toInt(b);
  return s1 < s2 + n2 && s2 < s1 + n1;
};
const cidr = fc.tuple(fc.constantFrom(10, 172, 192), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(16, 20, 24, 28))
  .map(([a, b, c, bits]) => `${a}.${bits === 16 && a === 172 ? 28 + (b % 4) : b}.${c}.0/${bits}`);

describe('subnets of a partitionable cluster', () => {
  prop.prop([fc.array(cidr, { maxLength: 40 }), fc.integer({ min: 1, max: 3 })])('never overlap what the engine or the host has, nor each other', (taken, count) => {
    const picked = pickSubnets(taken, count);
    expect(picked).toHaveLength(count);
    for (const p of picked) for (const t of taken) expect(overlap(p, t), `${p} vs ${t}`).toBe(false);
    expect(new Set(picked).size).toBe(count);
  });

  test('the whole pool taken: a clear error, not an overlapping subnet', () => {
    expect(() => pickSubnets(['172.28.0.0/14'], 1)).toThrow(/no free \/24/);
  });
});
