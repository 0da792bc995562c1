package org.apache.flink.playgrounds.ops.clickcount.watermarks;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.time.Duration;

/**
 * A source whose subtasks mark themselves idle while they have no split, and only then.
 *
 * <p>With more source subtasks than Kafka partitions one subtask reads nothing, and without
 * idleness it would hold back the watermark of every window forever (the connector does not mark
 * such a subtask idle by itself). Flink's {@code withIdleness} decides per partition from the time
 * since its last record, which a broker outage also produces; this decides per subtask from what it
 * was assigned. Splits restored from a checkpoint or savepoint count from the start, so a job that
 * restarts while the broker is down never goes idle on a partition it reads. Everything else is the
 * wrapped source's (enumerator, serializers, state), so savepoints are those of the wrapped source.
 */
public class IdleWithoutSplitsSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final Source<T, SplitT, EnumChkT> source;
    private final Duration timeout;

    public IdleWithoutSplitsSource(Source<T, SplitT, EnumChkT> source, Duration timeout) {
        this.source = source;
        this.timeout = timeout;
    }

    /** {@code source} with idleness for subtasks that have had no split for {@code timeout}. */
    public static <T, SplitT extends SourceSplit, EnumChkT> IdleWithoutSplitsSource<T, SplitT, EnumChkT> of(
            Source<T, SplitT, EnumChkT> source, Duration timeout) {
        return new IdleWithoutSplitsSource<>(source, timeout);
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext readerContext) throws Exception {
        return new IdleWithoutSplitsReader<>(source.createReader(readerContext), timeout);
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> enumContext) throws Exception {
        return source.createEnumerator(enumContext);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(SplitEnumeratorContext<SplitT> enumContext, EnumChkT checkpoint)
            throws Exception {
        return source.restoreEnumerator(enumContext, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        if (source instanceof ResultTypeQueryable) {
            return ((ResultTypeQueryable<T>) source).getProducedType();
        }
        throw new IllegalStateException(source.getClass().getName() + " does not say what type it produces");
    }
}
