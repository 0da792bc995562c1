// Which lines of a Flink node's log show its Kafka clients losing the broker.
// Pure: Flink's console log as text in, the matching lines with their own
// time out. Patterns are kafka-clients' own messages (NetworkClient,
// AbstractCoordinator, ClientUtils) and Flink's KafkaSourceReader, as seen in
// real broker outages on 2.2.1 (Kafka 4.1 clients: "Node may not be
// available") and 1.20.3 (3.x clients: "Broker may not be available",
// "due to socket connection setup timeout").

export interface KafkaClientLine {
  /** The line's log4j timestamp, epoch ms (the containers log in UTC). */
  at: number;
  /** What the line shows, e.g. 'broker-unreachable'. */
  what: string;
  line: string;
}

const PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  // A stopped container's name leaves Docker's DNS: the clients' first sign of the outage.
  { what: 'broker-unresolvable', pattern: /Couldn't resolve server \S+ from bootstrap\.servers/ },
  { what: 'broker-unreachable', pattern: /Connection to node -?\d+ .*could not be established|Error connecting to node/ },
  { what: 'broker-disconnected', pattern: /(?:Node|Bootstrap broker) \S+ (?:\([^)]*\) )?disconnected/ },
  { what: 'request-cancelled', pattern: /Cancelled in-flight \w+ request .* being disconnected/ },
  { what: 'coordinator-lost', pattern: /(?:Group|Transaction) coordinator .* is unavailable or invalid/ },
  { what: 'request-timeout', pattern: /Disconnecting from node -?\d+ due to (?:request|socket connection setup) timeout/ },
  { what: 'metadata-failed', pattern: /Metadata update failed/ },
  { what: 'network-error', pattern: /NETWORK_EXCEPTION|NetworkException|DisconnectException/ },
  // The job's KafkaSource itself (logger org.apache.flink.connector.kafka...): offsets of a completed checkpoint not committed.
  { what: 'offset-commit-failed', pattern: /Failed to commit consumer offsets for checkpoint/ },
];

/** Loggers whose lines can be evidence: Kafka's clients, and Flink's Kafka connector. */
const KAFKA_LOGGERS = /^org\.apache\.(?:kafka\.|flink\.connector\.kafka\.)/;

/** `2026-12-01 20:33:04,826 WARN  org.apache.kafka.clients.NetworkClient [] - ...` */
const LOG_LINE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) +(\w+) +(\S+)/;

/** Kafka client lines of `log` at or after `sinceMs` (each pattern at most `perKind` times: evidence, not a copy of the log). */
export function kafkaClientErrors(log: string, sinceMs: number, perKind = 3): KafkaClientLine[] {
  const found: KafkaClientLine[] = [];
  const seen = new Map<string, number>();
  for (const line of log.split('\n')) {
    const m = LOG_LINE.exec(line);
    if (!m || !KAFKA_LOGGERS.test(m[5]!)) continue;
    const at = Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`);
    if (!(at >= sinceMs)) continue;
    const hit = PATTERNS.find((p) => p.pattern.test(line));
    if (!hit) continue;
    const n = seen.get(hit.what) ?? 0;
    if (n >= perKind) continue;
    seen.set(hit.what, n + 1);
    found.push({ at, what: hit.what, line: line.trim().slice(0, 500) });
  }
  return found;
}
