import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { LogTail } from './log-tail.js';

test.prop([fc.array(fc.stringMatching(/^[a-z0-9 ]{1,12}$/), { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 30 })])(
  'keeps the last n non-blank lines, however the stream is chunked',
  (lines, cuts, keep) => {
    const whole = lines.map((l) => `${l}\n`).join('');
    const tail = new LogTail(keep);
    let at = 0;
    for (const c of [...cuts.map((c) => c % (whole.length + 1)).sort((a, b) => a - b), whole.length]) {
      tail.push(whole.slice(at, Math.max(at, c)));
      at = Math.max(at, c);
    }
    expect(tail.text()).toBe(lines.filter((l) => l.trim() !== '').slice(-keep).join('\n'));
  },
);

test.prop([fc.constant(0)])('an unfinished last line is shown too', () => {
  const tail = new LogTail(3);
  tail.push('a\nb\nstill writ');
  expect(tail.text()).toBe('a\nb\nstill writ');
});
