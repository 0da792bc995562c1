// A produce request counts only when Kafka's answer names every partition it
// wrote to. kafkajs 2.2.4 can resolve a send without writing some of it: its
// retry after a leader change re-sends only to brokers that have not answered
// yet, so when the failed leader's partitions move to a broker that already
// answered for another partition of the same request, their records are never
// sent again, and send() resolves (src/producer/sendMessages.js,
// responsePerBroker). Seen in an HA schedule: a leader of input-0 paused, 998
// acknowledged clicks missing from the topic, caught by the input audit.
import type { Message, Producer, RecordMetadata } from 'kafkajs';

/** A send that resolved without an answer for some of its partitions: as good as failed, Kafka may not hold them. */
export class PartialAcknowledgementError extends Error {
  constructor(
    readonly topic: string,
    readonly missing: readonly number[],
  ) {
    super(`${topic}: the produce request resolved without an acknowledgement for partition(s) ${missing.join(', ')} (kafkajs retried after a leader change without re-sending them)`);
  }
}
PartialAcknowledgementError.prototype.name = 'PartialAcknowledgementError';

/** Pure: the partitions of `messages` (each has its partition set) that `answer` does not acknowledge without error. */
export function unacknowledged(topic: string, messages: readonly Pick<Message, 'partition'>[], answer: readonly RecordMetadata[]): number[] {
  const acked = new Set(answer.filter((m) => m.topicName === topic && m.errorCode === 0).map((m) => m.partition));
  const sent = [...new Set(messages.map((m) => m.partition).filter((p): p is number => p !== undefined))];
  return sent.filter((p) => !acked.has(p)).sort((a, b) => a - b);
}

/** producer.send with acks=all, resolved only when every partition written to is acknowledged. */
export async function sendAcknowledged(producer: Producer, topic: string, messages: Message[], compression?: Parameters<Producer['send']>[0]['compression']): Promise<void> {
  const answer = await producer.send({ topic, acks: -1, messages, ...(compression === undefined ? {} : { compression }) });
  const missing = unacknowledged(topic, messages, answer);
  if (missing.length > 0) throw new PartialAcknowledgementError(topic, missing);
}

/** Pure: the answer Kafka gives for a request it wrote in full (one entry per partition; for fakes and tests). */
export function fullAnswer(topic: string, messages: readonly Pick<Message, 'partition'>[]): RecordMetadata[] {
  return [...new Set(messages.map((m) => m.partition ?? 0))].map((partition) => ({ topicName: topic, partition, errorCode: 0 }));
}
