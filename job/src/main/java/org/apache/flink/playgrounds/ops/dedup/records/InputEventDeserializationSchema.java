package org.apache.flink.playgrounds.ops.dedup.records;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses {@code {"id": "e-42", "key": "user-3", "timestamp": <epoch ms>}} with Flink's shaded Jackson.
 * A record without a string id and key and an integral timestamp is skipped (never fails the job)
 * and counted in the source metric {@value #MALFORMED_METRIC}.
 */
public class InputEventDeserializationSchema implements DeserializationSchema<InputEvent> {

    private static final long serialVersionUID = 1L;

    public static final String MALFORMED_METRIC = "malformedInputEvents";

    private transient ObjectMapper mapper;
    private transient Counter malformed;

    @Override
    public void open(InitializationContext context) {
        mapper = new ObjectMapper();
        malformed = context.getMetricGroup().counter(MALFORMED_METRIC);
    }

    /** The event, or {@code null} (= skip). */
    @Override
    public InputEvent deserialize(byte[] message) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        try {
            final JsonNode root = message == null ? null : mapper.readTree(message);
            final JsonNode id = root == null ? null : root.get("id");
            final JsonNode key = root == null ? null : root.get("key");
            final JsonNode ts = root == null ? null : root.get("timestamp");
            if (id != null && id.isTextual() && key != null && key.isTextual()
                    && ts != null && ts.isIntegralNumber() && ts.canConvertToLong()) {
                return new InputEvent(id.textValue(), key.textValue(), ts.longValue());
            }
        } catch (Exception e) {
            // not JSON: skipped below
        }
        if (malformed != null) {
            malformed.inc();
        }
        return null;
    }

    @Override
    public boolean isEndOfStream(InputEvent nextElement) {
        return false;
    }

    @Override
    public TypeInformation<InputEvent> getProducedType() {
        return TypeInformation.of(InputEvent.class);
    }
}
