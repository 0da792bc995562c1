package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.playgrounds.ops.clickcount.ClickEventCount;
import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Mutant: the window counts live on the heap of the counter, outside Flink's state. Checkpoints and
 * savepoints hold the window timers but not the counts, so after any restore a window that was open
 * fires with only what arrived after the restore (or not at all).
 */
public class WindowStateNotRestored implements JobVariant {

    @Override
    public String name() {
        return "window-state-not-restored";
    }

    @Override
    public SingleOutputStreamOperator<ClickEventStatistics> counter(
            KeyedStream<ClickEvent, String> byPage,
            WindowAssigner<Object, TimeWindow> windows,
            Function<WindowedStream<ClickEvent, String, TimeWindow>, SingleOutputStreamOperator<ClickEventStatistics>> aggregate) {
        if (!windows.isEventTime()) {
            throw new IllegalArgumentException(name() + " needs --event-time");
        }
        return byPage.process(new HeapWindowCounter(ClickEventCount.WINDOW_SIZE.toMillis()));
    }

    /** Tumbling event-time windows with allowed lateness 0, counted in a HashMap (the bug). */
    static final class HeapWindowCounter extends KeyedProcessFunction<String, ClickEvent, ClickEventStatistics> {
        private static final long serialVersionUID = 1L;
        private final long sizeMs;
        private transient Map<Long, Long> countsByWindowStart;
        private transient Counter lateDropped;

        HeapWindowCounter(long sizeMs) {
            this.sizeMs = sizeMs;
        }

        @Override
        public void open(OpenContext openContext) {
            countsByWindowStart = new HashMap<>();
            // The name WindowOperator uses, so the harness's late-drop check reads this operator too.
            lateDropped = getRuntimeContext().getMetricGroup().counter("numLateRecordsDropped");
        }

        @Override
        public void processElement(ClickEvent event, Context ctx, Collector<ClickEventStatistics> out) {
            final long ts = ctx.timestamp();
            final long start = ts - Math.floorMod(ts, sizeMs);
            final long last = start + sizeMs - 1;
            if (last <= ctx.timerService().currentWatermark()) {
                lateDropped.inc();
                return;
            }
            // One map per subtask; keys are pages, so the window start alone would mix pages.
            countsByWindowStart.merge(key(ctx.getCurrentKey(), start), 1L, Long::sum);
            ctx.timerService().registerEventTimeTimer(last);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEventStatistics> out) {
            final long start = timestamp + 1 - sizeMs;
            final Long count = countsByWindowStart.remove(key(ctx.getCurrentKey(), start));
            if (count != null) {
                out.collect(new ClickEventStatistics(start, start + sizeMs, ctx.getCurrentKey(), count));
            }
        }

        private static long key(String page, long start) {
            return start * 31 + page.hashCode();
        }
    }
}
