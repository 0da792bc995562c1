package org.apache.flink.playgrounds.ops.clickcount.functions;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;

/** Counts the events of a window; the window state is a single Long per key and window. */
public class CountingAggregator implements AggregateFunction<ClickEvent, Long, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(ClickEvent value, Long accumulator) {
        return accumulator + 1;
    }

    @Override
    public Long getResult(Long accumulator) {
        return accumulator;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }
}
