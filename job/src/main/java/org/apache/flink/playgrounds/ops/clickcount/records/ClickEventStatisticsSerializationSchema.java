package org.apache.flink.playgrounds.ops.clickcount.records;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes {@code {"windowStart": <epoch ms>, "windowEnd": <epoch ms>, "page": "/help", "count": 1000}}
 * (fields always in this order) with Flink's shaded Jackson.
 */
public class ClickEventStatisticsSerializationSchema implements SerializationSchema<ClickEventStatistics> {

    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;

    @Override
    public void open(InitializationContext context) {
        mapper = new ObjectMapper();
    }

    @Override
    public byte[] serialize(ClickEventStatistics stats) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        ObjectNode node = mapper.createObjectNode();
        node.put("windowStart", stats.getWindowStart());
        node.put("windowEnd", stats.getWindowEnd());
        node.put("page", stats.getPage());
        node.put("count", stats.getCount());
        try {
            return mapper.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException("Could not serialize " + stats, e);
        }
    }
}
