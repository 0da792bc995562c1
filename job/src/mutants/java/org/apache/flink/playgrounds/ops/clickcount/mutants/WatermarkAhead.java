package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;

/**
 * Mutant: a watermark that runs ahead of the events, as an out-of-orderness bound of -1 s would
 * make it (BoundedOutOfOrdernessWatermarks rejects a negative bound, so this generator does it).
 * It replaces the source's watermarks; each window closes 1 s of event time early and the events
 * of its last second arrive late and are dropped, without any fault.
 */
public class WatermarkAhead implements JobVariant {

    static final long LEAD_MS = 1_000;

    @Override
    public String name() {
        return "watermark-ahead";
    }

    @Override
    public DataStream<ClickEvent> clicks(DataStream<ClickEvent> clicks) {
        return clicks
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<ClickEvent>forGenerator(ctx -> new Ahead())
                        .withTimestampAssigner((event, ts) -> event.getTimestamp())
                        // A subtask without a partition must not hold the watermark back.
                        .withIdleness(Duration.ofSeconds(5)))
                .name("Mutant: watermark ahead")
                .uid("mutant-watermark-ahead");
    }

    static final class Ahead implements WatermarkGenerator<ClickEvent> {
        private long maxTimestamp = Long.MIN_VALUE;

        @Override
        public void onEvent(ClickEvent event, long eventTimestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (maxTimestamp != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(maxTimestamp + LEAD_MS));
            }
        }
    }
}
