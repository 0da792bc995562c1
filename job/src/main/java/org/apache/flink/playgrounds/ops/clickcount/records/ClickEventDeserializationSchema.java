package org.apache.flink.playgrounds.ops.clickcount.records;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Parses {@code {"timestamp": <epoch ms>, "page": "/help"}} with Flink's shaded Jackson (same
 * package, {@code org.apache.flink.shaded.jackson2...}, in Flink 1.20 and 2.x).
 *
 * <p>Malformed records never fail the job: a record that is not a JSON object, has no integral
 * numeric {@code timestamp} that fits a long, or has no string {@code page} (or is a null value /
 * tombstone) is skipped. Skipped records are counted per source subtask in the metric
 * {@value #MALFORMED_METRIC} (KafkaSource registers it in the group {@code deserializer} of the
 * "ClickEvent Source" operator; the vertex's REST metric list shows it as
 * {@code <subtask>.<operator>.deserializer.malformedClickEvents}) and logged: the first
 * {@value #LOG_FIRST_N} individually, then every {@value #LOG_EVERY_N}th.
 */
public class ClickEventDeserializationSchema implements DeserializationSchema<ClickEvent> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ClickEventDeserializationSchema.class);

    public static final String MALFORMED_METRIC = "malformedClickEvents";
    private static final long LOG_FIRST_N = 10;
    private static final long LOG_EVERY_N = 1000;
    private static final int MAX_LOGGED_CHARS = 200;

    private transient ObjectMapper mapper;
    private transient Counter malformedCounter;
    private transient long malformedSeen;

    @Override
    public void open(InitializationContext context) {
        mapper = new ObjectMapper();
        malformedCounter = context.getMetricGroup().counter(MALFORMED_METRIC);
    }

    /** Returns the event, or {@code null} (= skip; Flink's collector variant drops nulls). */
    @Override
    public ClickEvent deserialize(byte[] message) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        if (message == null) {
            malformed(null, "null value");
            return null;
        }
        final JsonNode root;
        try {
            root = mapper.readTree(message);
        } catch (Exception e) {
            malformed(message, "not JSON: " + e.getClass().getSimpleName());
            return null;
        }
        if (root == null || !root.isObject()) {
            malformed(message, "not a JSON object");
            return null;
        }
        JsonNode ts = root.get("timestamp");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
            malformed(message, "missing or non-integral 'timestamp'");
            return null;
        }
        JsonNode page = root.get("page");
        if (page == null || !page.isTextual()) {
            malformed(message, "missing or non-string 'page'");
            return null;
        }
        return new ClickEvent(ts.longValue(), page.textValue());
    }

    private void malformed(byte[] message, String reason) {
        if (malformedCounter != null) {
            malformedCounter.inc();
        }
        malformedSeen++;
        if (malformedSeen <= LOG_FIRST_N || malformedSeen % LOG_EVERY_N == 0) {
            String text = message == null ? "null" : new String(message, StandardCharsets.UTF_8);
            if (text.length() > MAX_LOGGED_CHARS) {
                text = text.substring(0, MAX_LOGGED_CHARS) + "...";
            }
            LOG.warn("Skipping malformed click event #{} ({}): {}", malformedSeen, reason, text);
        }
    }

    @Override
    public boolean isEndOfStream(ClickEvent nextElement) {
        return false;
    }

    @Override
    public TypeInformation<ClickEvent> getProducedType() {
        return TypeInformation.of(ClickEvent.class);
    }
}
