package org.apache.flink.playgrounds.ops.clickcount.watermarks;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * No watermark before the first event, and never idle.
 *
 * <p>The source runs one generator per Kafka partition and one for the reader's main output.
 * Before its first event a generator emits nothing, so a partition that has not been read since
 * the job (re)started holds the subtask's watermark back instead of letting its sibling partition
 * drive it: after a restart during a broker outage, the first partition drained when the broker
 * returns would otherwise move the watermark past windows whose records on the other partition
 * are still to be read, and those records would be dropped as late. Nothing here ever marks an
 * output idle: a subtask with no partition at all is marked idle by {@link IdleWithoutSplitsSource},
 * which knows, from the splits it was given (restored ones included), that it has nothing to read.
 * Emitting nothing also keeps the main output (which never sees a record: Kafka's records go
 * through the partition outputs) from marking the subtask active again.
 */
public class SilentUntilFirstEvent<T> implements WatermarkGenerator<T> {

    private final WatermarkGenerator<T> watermarks;
    private boolean seenEvent;

    public SilentUntilFirstEvent(WatermarkGenerator<T> watermarks) {
        this.watermarks = watermarks;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        seenEvent = true;
        watermarks.onEvent(event, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (seenEvent) {
            watermarks.onPeriodicEmit(output);
        }
    }
}
