package org.apache.flink.playgrounds.ops.clickcount.functions;

import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns the pre-aggregated count of a window into a {@link ClickEventStatistics} record. */
public class ClickEventStatisticsCollector
        extends ProcessWindowFunction<Long, ClickEventStatistics, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            String page, Context context, Iterable<Long> elements, Collector<ClickEventStatistics> out) {
        long count = elements.iterator().next();
        out.collect(new ClickEventStatistics(
                context.window().getStart(), context.window().getEnd(), page, count));
    }
}
