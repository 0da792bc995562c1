-- The playground's Click Event Count in Flink SQL: a 15 s TUMBLE window in
-- event time over the Kafka topic of clicks, one row per page and window into
-- the Kafka topic of counts. Same records as the Java job (job/): input
-- {"timestamp": <epoch ms>, "page": "..."}, output {"windowStart", "windowEnd",
-- "page", "count"} with epoch-millisecond window bounds, so the harness's
-- oracle judges both alike. Placeholders {{...}} are filled by
-- jobs/sql/click-event-sql.ts (bootstrap servers, topics, group id).
--
-- Watermarks as in the Java job: 200 ms out of orderness, declared here and
-- pushed into the Kafka source, so each Kafka partition has its own watermark
-- and a source subtask emits the minimum of its partitions. No idleness
-- (table.exec.source.idle-timeout stays 0): a partition never goes idle.
CREATE TABLE input (
  `timestamp` BIGINT,
  page STRING,
  ts AS TO_TIMESTAMP_LTZ(`timestamp`, 3),
  WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '{{input.topic}}',
  'properties.bootstrap.servers' = '{{bootstrap.servers}}',
  'properties.group.id' = '{{group.id}}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  -- Malformed clicks are skipped, as the Java job skips them.
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE output (
  windowStart BIGINT,
  windowEnd BIGINT,
  page STRING,
  `count` BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '{{output.topic}}',
  'properties.bootstrap.servers' = '{{bootstrap.servers}}',
  'format' = 'json',
  'sink.delivery-guarantee' = 'at-least-once'
);

-- Window bounds back to epoch milliseconds: window_start is a TIMESTAMP in
-- the session time zone (UTC, set by the harness), and 15 s windows start on
-- whole seconds, so seconds since the epoch x 1000 is exact.
INSERT INTO output
SELECT
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_start) AS BIGINT) * 1000 AS windowStart,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000 AS windowEnd,
  page,
  COUNT(*) AS `count`
FROM TABLE(TUMBLE(TABLE input, DESCRIPTOR(ts), INTERVAL '15' SECOND))
GROUP BY window_start, window_end, page;
