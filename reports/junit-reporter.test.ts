import { describe, expect, test } from 'vitest';
import { markRuntimeSkip, withSkipMessages } from './junit-reporter.js';

describe('JUnit for inconclusive runs', () => {
  test('a test skipped while it ran is reported as skipped, a passed one is not', () => {
    const skipped = { type: 'test', mode: 'run', result: { state: 'skip', note: 'inconclusive: x' } };
    const passed = { type: 'test', mode: 'run', result: { state: 'pass' } };
    markRuntimeSkip(skipped);
    markRuntimeSkip(passed);
    expect(skipped.mode).toBe('skip');
    expect(passed.mode).toBe('run');
  });

  test('<skipped/> gets the inconclusive reason as its message, only in its own testcase', () => {
    const xml = [
      '<testcase name="a"><skipped/><properties><property name="inconclusive" value="inconclusive: fault.kill-taskmanager.no-effect: none">',
      '</property></properties></testcase>',
      '<testcase name="b"><skipped/></testcase>',
    ].join('\n');
    const out = withSkipMessages(xml);
    expect(out).toContain('<skipped message="inconclusive: fault.kill-taskmanager.no-effect: none"/>');
    expect(out).toContain('<testcase name="b"><skipped/></testcase>');
  });
});
