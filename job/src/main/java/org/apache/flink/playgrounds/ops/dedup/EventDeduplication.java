package org.apache.flink.playgrounds.ops.dedup;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.playgrounds.ops.clickcount.JobArguments;
import org.apache.flink.playgrounds.ops.dedup.records.DistinctEventSerializationSchema;
import org.apache.flink.playgrounds.ops.dedup.records.InputEvent;
import org.apache.flink.playgrounds.ops.dedup.records.InputEventDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's second built-in job: per-event deduplication with keyed state. Reads
 * {@code {"id", "key", "timestamp"}} events from Kafka (the input repeats some on purpose), keys
 * them by id, forwards only the first copy of each id (ValueState "seen" per id) and writes it to
 * Kafka: one output record per distinct input event. Not a window: its correctness rests on keyed
 * state surviving restores, savepoints, rescaling and upgrades.
 *
 * <p>Arguments as Click Event Count's: {@code --bootstrap.servers}, {@code --input-topic},
 * {@code --output-topic}, {@code --group-id} (event-deduplication), switches {@code --checkpointing}
 * (every 1 s) and {@code --exactly-once} (transactional sink, prefix event-deduplication).
 */
public class EventDeduplication {

    private static final Logger LOG = LoggerFactory.getLogger(EventDeduplication.class);

    public static final String JOB_NAME = "Event Deduplication";

    public static final String DEFAULT_GROUP_ID = "event-deduplication";
    public static final String TRANSACTIONAL_ID_PREFIX = "event-deduplication";
    /** Below the broker's default transaction.max.timeout.ms (15 min), as Click Event Count's. */
    public static final String TRANSACTION_TIMEOUT_MS = "600000";
    public static final long CHECKPOINT_INTERVAL_MS = 1000;

    public static final String SOURCE_NAME = "Input Event Source";
    public static final String SOURCE_UID = "input-event-source";
    public static final String DEDUP_NAME = "Deduplicate By Id";
    public static final String DEDUP_UID = "deduplicate-by-id";
    public static final String SINK_NAME = "Distinct Event Sink";
    public static final String SINK_UID = "distinct-event-sink";

    public static void main(String[] args) throws Exception {
        final JobArguments params = JobArguments.parse(args);
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        buildPipeline(env, params);
        env.execute(JOB_NAME);
    }

    // OffsetResetStrategy: see ClickEventCount (the one reset type both connector lines accept).
    @SuppressWarnings("deprecation")
    public static void buildPipeline(StreamExecutionEnvironment env, JobArguments params) {
        final String bootstrapServers = params.get("bootstrap.servers", "kafka:9092");
        final String inputTopic = params.get("input-topic", "input");
        final String outputTopic = params.get("output-topic", "output");
        final String groupId = params.get("group-id", DEFAULT_GROUP_ID);
        final boolean checkpointing = params.isSet("checkpointing");
        final boolean exactlyOnce = params.isSet("exactly-once");
        final DedupVariant variant = DedupVariant.active();
        LOG.info("{}: bootstrap.servers={}, input-topic={}, output-topic={}, group-id={}, checkpointing={},"
                        + " exactly-once={}, variant={}",
                JOB_NAME, bootstrapServers, inputTopic, outputTopic, groupId, checkpointing, exactlyOnce,
                variant.name());

        env.getConfig().setGlobalJobParameters(params);
        if (checkpointing) {
            env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
        }

        final KafkaSource<InputEvent> source = KafkaSource.<InputEvent>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(inputTopic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setValueOnlyDeserializer(new InputEventDeserializationSchema())
                .build();

        // No event time: deduplication needs no watermark, only the keyed "seen" state.
        final DataStream<InputEvent> distinct = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME)
                .uid(SOURCE_UID)
                .keyBy(InputEvent::getId)
                .process(variant.deduplicator())
                .name(DEDUP_NAME)
                .uid(DEDUP_UID);

        final KafkaSinkBuilder<InputEvent> sink = KafkaSink.<InputEvent>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(KafkaRecordSerializationSchema.<InputEvent>builder()
                        .setTopic(outputTopic)
                        .setValueSerializationSchema(new DistinctEventSerializationSchema())
                        .build());
        if (exactlyOnce) {
            sink.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(TRANSACTIONAL_ID_PREFIX)
                    .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        } else {
            sink.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        distinct.sinkTo(sink.build()).name(SINK_NAME).uid(SINK_UID);
    }
}
