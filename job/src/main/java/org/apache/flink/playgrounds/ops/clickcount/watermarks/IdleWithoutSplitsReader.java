package org.apache.flink.playgrounds.ops.clickcount.watermarks;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reader of {@link IdleWithoutSplitsSource}: the wrapped reader, plus {@code markIdle()} on its
 * main output once it has gone {@code timeout} since its start without any split. Restored splits
 * are added before the first {@code pollNext}, so a restored reader is never marked idle.
 */
class IdleWithoutSplitsReader<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {

    private static final Logger LOG = LoggerFactory.getLogger(IdleWithoutSplitsReader.class);

    private final SourceReader<T, SplitT> reader;
    private final long timeoutNanos;
    private long startedNanos;
    private boolean hasSplits;
    private boolean idle;
    /** Completes when the timeout has passed, so that {@code pollNext} runs even though nothing arrives. */
    private CompletableFuture<Void> deadline;

    IdleWithoutSplitsReader(SourceReader<T, SplitT> reader, Duration timeout) {
        this.reader = reader;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void start() {
        startedNanos = System.nanoTime();
        deadline = new CompletableFuture<>();
        deadline.completeOnTimeout(null, timeoutNanos, TimeUnit.NANOSECONDS);
        reader.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        if (!hasSplits && !idle && System.nanoTime() - startedNanos >= timeoutNanos) {
            idle = true;
            LOG.info("No split within {} ms of the reader's start: marking this source subtask idle",
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            output.markIdle();
        }
        return reader.pollNext(output);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        final CompletableFuture<Void> available = reader.isAvailable();
        if (hasSplits || idle || deadline == null) {
            return available;
        }
        return CompletableFuture.anyOf(available, deadline).thenApply(ignored -> null);
    }

    @Override
    public void addSplits(List<SplitT> splits) {
        if (!splits.isEmpty()) {
            hasSplits = true;
        }
        reader.addSplits(splits);
    }

    @Override
    public List<SplitT> snapshotState(long checkpointId) {
        return reader.snapshotState(checkpointId);
    }

    @Override
    public void notifyNoMoreSplits() {
        reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        reader.handleSourceEvents(sourceEvent);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
        reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
        // Complete, never cancel: a cancelled deadline completes the anyOf() handed out by isAvailable()
        // exceptionally, and Flink's SourceOperator treats an exceptional availability future as fatal and
        // stops the TaskManager's JVM. Seen on 2.2.1: an adaptive-scheduler rescale 4 -> 1 cancelled a source
        // subtask without splits within its idleness timeout, and both TaskManagers exited
        // ("FATAL: Thread 'Source: ClickEvent Source (3/4)#0' produced an uncaught exception").
        if (deadline != null) {
            deadline.complete(null);
        }
        reader.close();
    }
}
