package org.apache.flink.playgrounds.ops.dedup.records;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes the first copy of each event as {@code {"id", "key", "timestamp"}} (fields always in this order). */
public class DistinctEventSerializationSchema implements SerializationSchema<InputEvent> {

    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;

    @Override
    public void open(InitializationContext context) {
        mapper = new ObjectMapper();
    }

    @Override
    public byte[] serialize(InputEvent event) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        final ObjectNode node = mapper.createObjectNode();
        node.put("id", event.getId());
        node.put("key", event.getKey());
        node.put("timestamp", event.getTimestamp());
        try {
            return mapper.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException("Could not serialize " + event, e);
        }
    }
}
