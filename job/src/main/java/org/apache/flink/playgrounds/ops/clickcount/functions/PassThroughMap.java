package org.apache.flink.playgrounds.ops.clickcount.functions;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;

/**
 * Identity map behind the vertex "Timestamps/Watermarks". It neither assigns timestamps nor
 * generates watermarks: the map operator forwards the timestamps, watermarks and idleness status
 * that the source generated per Kafka partition (see ClickEventCount).
 */
public class PassThroughMap implements MapFunction<ClickEvent, ClickEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public ClickEvent map(ClickEvent event) {
        return event;
    }
}
