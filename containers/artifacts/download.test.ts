import { describe, expect, test } from 'vitest';
import { HarnessError } from '../../config/harness-error.js';
import { fetchText } from './download.js';
import { compareVersions } from './versions.js';

describe('registry access', () => {
  test('an unreachable registry is one clear error naming the host and the fix', async () => {
    const error = await fetchText('https://registry.invalid/maven2/x/maven-metadata.xml', 'the version list of x').catch((e) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect(error.message).toContain('registry.invalid');
    expect(error.fix).toMatch(/network|proxy|cache/);
  }, 30_000);
});

describe('compareVersions', () => {
  test('orders releases numerically', () => {
    expect(['2.10.0', '2.2.1', '1.20.3', '2.2.0'].sort(compareVersions)).toEqual(['1.20.3', '2.2.0', '2.2.1', '2.10.0']);
  });
});
