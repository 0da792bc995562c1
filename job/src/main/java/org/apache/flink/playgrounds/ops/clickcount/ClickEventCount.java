package org.apache.flink.playgrounds.ops.clickcount;

import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.playgrounds.ops.clickcount.functions.BackpressureMap;
import org.apache.flink.playgrounds.ops.clickcount.functions.ClickEventStatisticsCollector;
import org.apache.flink.playgrounds.ops.clickcount.functions.CountingAggregator;
import org.apache.flink.playgrounds.ops.clickcount.functions.PassThroughMap;
import org.apache.flink.playgrounds.ops.clickcount.watermarks.IdleWithoutSplitsSource;
import org.apache.flink.playgrounds.ops.clickcount.watermarks.SilentUntilFirstEvent;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventDeserializationSchema;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatisticsSerializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The "Click Event Count" job of the Flink operations playground.
 *
 * <p>Reads ClickEvents {@code {"timestamp": <epoch ms>, "page": "/help"}} from Kafka, counts them
 * per page in 15-second tumbling windows and writes
 * {@code {"windowStart", "windowEnd", "page", "count"}} to Kafka.
 *
 * <p>Arguments: {@code --bootstrap.servers} (kafka:9092), {@code --input-topic} (input),
 * {@code --output-topic} (output), {@code --group-id} (click-event-count) and the switches
 * {@code --checkpointing}, {@code --event-time}, {@code --backpressure}, {@code --exactly-once}, and
 * {@code --state-padding-bytes N} (keyed state per page, for checkpoints of a real job's size).
 *
 * <p>The same source compiles against Flink 2.2 (connector 5.0.0-2.2, kafka-clients 4.x) and
 * Flink 1.20 (connector 3.4.0-1.20, kafka-clients 3.4). Only APIs present in both are used.
 */
public class ClickEventCount {

    private static final Logger LOG = LoggerFactory.getLogger(ClickEventCount.class);

    public static final String JOB_NAME = "Click Event Count";

    public static final String CHECKPOINTING_OPTION = "checkpointing";
    public static final String EVENT_TIME_OPTION = "event-time";
    public static final String BACKPRESSURE_OPTION = "backpressure";
    public static final String EXACTLY_ONCE_OPTION = "exactly-once";
    public static final String BOOTSTRAP_SERVERS_OPTION = "bootstrap.servers";
    public static final String INPUT_TOPIC_OPTION = "input-topic";
    public static final String OUTPUT_TOPIC_OPTION = "output-topic";
    public static final String GROUP_ID_OPTION = "group-id";
    /** Bytes of keyed state per page beside the count (0, the default: none); see ClickEventStatisticsCollector. */
    public static final String STATE_PADDING_BYTES_OPTION = "state-padding-bytes";

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "kafka:9092";
    public static final String DEFAULT_INPUT_TOPIC = "input";
    public static final String DEFAULT_OUTPUT_TOPIC = "output";
    public static final String DEFAULT_GROUP_ID = "click-event-count";

    public static final String TRANSACTIONAL_ID_PREFIX = "click-event-count";
    /** Below the broker's default transaction.max.timeout.ms (15 min); the sink's default is 1 h. */
    public static final String TRANSACTION_TIMEOUT_MS = "600000";

    public static final long CHECKPOINT_INTERVAL_MS = 1000;
    public static final Duration WINDOW_SIZE = Duration.ofSeconds(15);
    public static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofMillis(200);
    public static final Duration IDLENESS = Duration.ofSeconds(5);

    public static final String SOURCE_NAME = "ClickEvent Source";
    public static final String SOURCE_UID = "click-event-source";
    public static final String WATERMARKS_NAME = "Timestamps/Watermarks";
    public static final String WATERMARKS_UID = "timestamps-watermarks";
    public static final String BACKPRESSURE_NAME = "Backpressure";
    public static final String BACKPRESSURE_UID = "backpressure";
    public static final String COUNTER_NAME = "ClickEvent Counter";
    public static final String COUNTER_UID = "click-event-counter";
    public static final String SINK_NAME = "ClickEventStatistics Sink";
    public static final String SINK_UID = "click-event-statistics-sink";

    public static void main(String[] args) throws Exception {
        final JobArguments params = JobArguments.parse(args);
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        buildPipeline(env, params);
        env.execute(JOB_NAME);
    }

    /** Configures {@code env} and adds the job's pipeline to it (without executing it). */
    // OffsetResetStrategy is deprecated in kafka-clients 4.x (Flink 2.x line) but is the only reset
    // type both connector lines accept in OffsetsInitializer.committedOffsets(...).
    @SuppressWarnings("deprecation")
    public static void buildPipeline(StreamExecutionEnvironment env, JobArguments params) {
        final String bootstrapServers = params.get(BOOTSTRAP_SERVERS_OPTION, DEFAULT_BOOTSTRAP_SERVERS);
        final String inputTopic = params.get(INPUT_TOPIC_OPTION, DEFAULT_INPUT_TOPIC);
        final String outputTopic = params.get(OUTPUT_TOPIC_OPTION, DEFAULT_OUTPUT_TOPIC);
        final String groupId = params.get(GROUP_ID_OPTION, DEFAULT_GROUP_ID);
        final boolean checkpointing = params.isSet(CHECKPOINTING_OPTION);
        final boolean eventTime = params.isSet(EVENT_TIME_OPTION);
        final boolean backpressure = params.isSet(BACKPRESSURE_OPTION);
        final int statePaddingBytes = Integer.parseInt(params.get(STATE_PADDING_BYTES_OPTION, "0"));
        // The real job, or in a mutant build (calibration only, see JobVariant) a broken one.
        final JobVariant variant = JobVariant.active();
        final boolean exactlyOnce = variant.exactlyOnce(params.isSet(EXACTLY_ONCE_OPTION));

        LOG.info(
                "{}: bootstrap.servers={}, input-topic={}, output-topic={}, group-id={}, checkpointing={},"
                        + " event-time={}, backpressure={}, exactly-once={}, state-padding-bytes={}",
                JOB_NAME, bootstrapServers, inputTopic, outputTopic, groupId, checkpointing, eventTime,
                backpressure, exactlyOnce, statePaddingBytes);
        if (exactlyOnce && !checkpointing) {
            LOG.warn("--exactly-once without --checkpointing: Kafka transactions are committed only on"
                    + " checkpoints, so read_committed consumers will never see any output.");
        }

        // Restart strategy: deliberately not set here; the cluster configuration decides.
        env.getConfig().setGlobalJobParameters(params);
        if (checkpointing) {
            env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
        }
        // Like the playground: one vertex per operator, so every operator shows in the Web UI.
        env.disableOperatorChaining();

        // ---- source ----
        final KafkaSourceBuilder<ClickEvent> sourceBuilder = KafkaSource.<ClickEvent>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(inputTopic)
                .setGroupId(groupId)
                // Resume from the group's committed offsets (when no checkpoint/savepoint state is
                // restored); a new group starts at the beginning of the topic.
                // OffsetResetStrategy exists in kafka-clients 3.4 and 4.x (deprecated there, not
                // removed), and both connector lines take it, so one source compiles on both.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setValueOnlyDeserializer(new ClickEventDeserializationSchema());
        // Partition discovery stays at the connector's default; the topics have fixed partitions.
        if (!checkpointing) {
            // Without checkpoints KafkaSource commits no offsets; let the Kafka consumer
            // auto-commit them instead. A restart without checkpoints then resumes from the
            // committed offsets and loses the in-flight window contents: the data loss the
            // playground documents (and the harness uses as a negative control). With checkpoints,
            // offsets are committed on each completed checkpoint (connector default) and
            // auto-commit stays off.
            sourceBuilder
                    .setProperty("enable.auto.commit", "true")
                    .setProperty("auto.commit.interval.ms", "1000");
        }
        final Source<ClickEvent, ?, ?> source = variant.source(sourceBuilder);

        // Watermarks are generated IN the source (env.fromSource with a WatermarkStrategy), not by
        // a separate assignTimestampsAndWatermarks operator. The KafkaSource then runs one watermark
        // generator per Kafka partition (split) and emits the minimum over its partitions. A
        // downstream assigner would see one subtask's interleaved stream of several partitions: in
        // a fast replay (catch-up after a failure or savepoint restore) one partition can be far
        // ahead in event time, the watermark would jump with it, and the records of the lagging
        // partition would arrive as late and be dropped, breaking the "count = 1000" invariant.
        // A partition output never goes idle and emits no watermark before its first event, so every
        // partition a subtask reads (restored ones too) holds its watermark until read. Only a subtask
        // with no partition at all goes idle, after IDLENESS (IdleWithoutSplitsSource), so it does not
        // hold back the windows forever. Flink's withIdleness decides per partition from time without
        // records, which a broker outage produces too: the first partition read afterwards then
        // drove the watermark alone and the other's records were dropped as late.
        final WatermarkStrategy<ClickEvent> watermarks = WatermarkStrategy
                .<ClickEvent>forGenerator(ctx -> new SilentUntilFirstEvent<>(
                        new BoundedOutOfOrdernessWatermarks<>(MAX_OUT_OF_ORDERNESS)))
                .withTimestampAssigner((event, recordTimestamp) -> event.getTimestamp());

        DataStream<ClickEvent> clicks = env
                .fromSource(IdleWithoutSplitsSource.of(source, IDLENESS), watermarks, SOURCE_NAME)
                .uid(SOURCE_UID)
                // Only keeps the playground's vertex name "Timestamps/Watermarks" visible in the Web
                // UI. It is a plain identity map: it forwards the source's timestamps and watermarks
                // and never (re-)assigns any (see above why that must not happen here).
                .map(new PassThroughMap())
                .name(WATERMARKS_NAME)
                .uid(WATERMARKS_UID);
        clicks = variant.clicks(clicks);

        if (backpressure) {
            // The keyBy forces a network shuffle, so the slow operator fills the upstream
            // operator's output buffers: backpressure becomes visible in the Web UI and metrics.
            clicks = clicks
                    .keyBy(ClickEvent::getPage)
                    .map(new BackpressureMap())
                    .name(BACKPRESSURE_NAME)
                    .uid(BACKPRESSURE_UID);
        }

        final WindowAssigner<Object, TimeWindow> windows = eventTime
                ? TumblingEventTimeWindows.of(WINDOW_SIZE)
                : TumblingProcessingTimeWindows.of(WINDOW_SIZE);

        final DataStream<ClickEventStatistics> statistics = variant
                .counter(clicks.keyBy(ClickEvent::getPage), windows,
                        w -> w.aggregate(new CountingAggregator(), new ClickEventStatisticsCollector(statePaddingBytes)))
                .name(COUNTER_NAME)
                .uid(COUNTER_UID);

        // ---- sink ----
        final SerializationSchema<ClickEventStatistics> valueSchema =
                new ClickEventStatisticsSerializationSchema();
        final KafkaSinkBuilder<ClickEventStatistics> sinkBuilder = KafkaSink.<ClickEventStatistics>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(KafkaRecordSerializationSchema.<ClickEventStatistics>builder()
                        .setTopic(outputTopic)
                        .setValueSerializationSchema(valueSchema)
                        .build());
        if (exactlyOnce) {
            sinkBuilder
                    .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(TRANSACTIONAL_ID_PREFIX)
                    .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        } else {
            sinkBuilder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }

        statistics
                .sinkTo(sinkBuilder.build())
                .name(SINK_NAME)
                .uid(SINK_UID);
    }
}
