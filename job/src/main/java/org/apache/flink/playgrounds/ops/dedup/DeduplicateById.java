package org.apache.flink.playgrounds.ops.dedup;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.playgrounds.ops.dedup.records.InputEvent;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by event id: forwards the first copy of each id and drops every later one. Whether an id
 * was seen lives in Flink's keyed state (ValueState per id), so checkpoints and savepoints carry it
 * and a restore, a rescale or an upgrade keeps dropping copies of ids seen before.
 */
public class DeduplicateById extends KeyedProcessFunction<String, InputEvent, InputEvent> {

    private static final long serialVersionUID = 1L;

    public static final String DUPLICATES_METRIC = "duplicatesDropped";

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(InputEvent event, Context ctx, Collector<InputEvent> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(true);
        out.collect(event);
    }
}
