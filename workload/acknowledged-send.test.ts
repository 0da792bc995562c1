import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fullAnswer, unacknowledged } from './acknowledged-send.js';

describe('acknowledged send', () => {
  test('property: the partitions written to that the answer does not acknowledge without error, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 5 })), fc.array(fc.integer({ min: 0, max: 5 })), (sent, answered, errored) => {
        const messages = sent.map((partition) => ({ partition }));
        const answer = [
          ...answered.map((partition) => ({ topicName: 'input', partition, errorCode: errored.includes(partition) ? 6 : 0 })),
          // Another topic's answer for the same partition numbers acknowledges nothing of this one.
          ...sent.map((partition) => ({ topicName: 'other', partition, errorCode: 0 })),
        ];
        const ok = new Set(answered.filter((p) => !errored.includes(p)));
        expect(unacknowledged('input', messages, answer)).toEqual([...new Set(sent)].filter((p) => !ok.has(p)).sort((a, b) => a - b));
        expect(unacknowledged('input', messages, fullAnswer('input', messages))).toEqual([]);
      }),
    );
  });
});
