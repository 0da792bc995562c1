package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.util.function.Function;

/**
 * Mutant: an early-firing trigger. Each window x page fires once at its first event (a partial
 * count of 1) and again when the watermark passes its end (the full count), without fault or
 * restore: two records of one window with different counts.
 */
public class WindowEmittedTwice implements JobVariant {

    @Override
    public String name() {
        return "window-emitted-twice";
    }

    @Override
    public SingleOutputStreamOperator<ClickEventStatistics> counter(
            KeyedStream<ClickEvent, String> byPage,
            WindowAssigner<Object, TimeWindow> windows,
            Function<WindowedStream<ClickEvent, String, TimeWindow>, SingleOutputStreamOperator<ClickEventStatistics>> aggregate) {
        return aggregate.apply(byPage.window(windows).trigger(new EarlyAndOnTime()));
    }

    static final class EarlyAndOnTime extends Trigger<Object, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final ValueStateDescriptor<Boolean> firedEarly = new ValueStateDescriptor<>("fired-early", Types.BOOLEAN);

        @Override
        public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext ctx) throws Exception {
            ctx.registerEventTimeTimer(window.maxTimestamp());
            final ValueState<Boolean> fired = ctx.getPartitionedState(firedEarly);
            if (fired.value() == null) {
                fired.update(true);
                return TriggerResult.FIRE;
            }
            return TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) {
            return time == window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) {
            return TriggerResult.CONTINUE;
        }

        @Override
        public void clear(TimeWindow window, TriggerContext ctx) {
            ctx.deleteEventTimeTimer(window.maxTimestamp());
            ctx.getPartitionedState(firedEarly).clear();
        }
    }
}
