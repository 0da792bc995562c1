package org.apache.flink.playgrounds.ops.clickcount.functions;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Turns the pre-aggregated count of a window into a {@link ClickEventStatistics} record.
 *
 * <p>With {@code paddingBytes > 0} (job argument {@code --state-padding-bytes}) it also keeps that
 * many bytes per page in keyed state that outlives the window ({@code globalState()}), rewritten on
 * every firing: with many pages the state spreads over all key groups and checkpoints reach the size
 * of a real job's. The bytes are random (seeded by the page), so snapshot compression cannot shrink
 * them. The count is not affected. With 0 (the default) no state is declared or touched: the job is
 * the playground's.
 */
public class ClickEventStatisticsCollector
        extends ProcessWindowFunction<Long, ClickEventStatistics, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    /** Name of the padding state (only registered when padding is on). */
    public static final String PADDING_STATE = "page-padding";

    private final int paddingBytes;

    public ClickEventStatisticsCollector() {
        this(0);
    }

    public ClickEventStatisticsCollector(int paddingBytes) {
        if (paddingBytes < 0) {
            throw new IllegalArgumentException("state padding must be 0 or more bytes, got " + paddingBytes);
        }
        this.paddingBytes = paddingBytes;
    }

    @Override
    public void process(
            String page, Context context, Iterable<Long> elements, Collector<ClickEventStatistics> out)
            throws Exception {
        long count = elements.iterator().next();
        if (paddingBytes > 0) {
            pad(page, context);
        }
        out.collect(new ClickEventStatistics(
                context.window().getStart(), context.window().getEnd(), page, count));
    }

    private void pad(String page, Context context) throws Exception {
        ValueState<byte[]> padding = context.globalState().getState(
                new ValueStateDescriptor<>(PADDING_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        byte[] bytes = padding.value();
        if (bytes == null || bytes.length != paddingBytes) {
            bytes = new byte[paddingBytes];
            new Random(page.hashCode()).nextBytes(bytes);
        }
        // Rewritten on every firing, stamped with the window: incremental checkpoints see it change.
        if (paddingBytes >= Long.BYTES) {
            ByteBuffer.wrap(bytes).putLong(0, context.window().getStart());
        }
        padding.update(bytes);
    }
}
