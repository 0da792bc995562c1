package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Mutant: Kafka offsets committed ahead of checkpoints, and trusted on restore. The consumer
 * auto-commits what it fetched every 100 ms (enable.auto.commit), and a reader that restores its
 * partitions ignores the offsets in the checkpoint and starts from the group's committed offsets
 * instead. What was fetched but not yet covered by a checkpoint is never read again: lost.
 */
public class OffsetsCommittedAhead implements JobVariant {

    @Override
    public String name() {
        return "offsets-committed-ahead";
    }

    @Override
    public Source<ClickEvent, ?, ?> source(KafkaSourceBuilder<ClickEvent> builder) {
        builder.setProperty("enable.auto.commit", "true").setProperty("auto.commit.interval.ms", "100");
        return new CommittedOffsetsOnRestore<>(builder.build());
    }

    static final class CommittedOffsetsOnRestore<T>
            implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
        private static final long serialVersionUID = 1L;
        private final KafkaSource<T> kafka;

        CommittedOffsetsOnRestore(KafkaSource<T> kafka) {
            this.kafka = kafka;
        }

        @Override
        public Boundedness getBoundedness() {
            return kafka.getBoundedness();
        }

        @Override
        public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
            return new Reader<>(kafka.createReader(context));
        }

        @Override
        public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
                SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
            return kafka.createEnumerator(context);
        }

        @Override
        public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
                SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint) throws Exception {
            return kafka.restoreEnumerator(context, checkpoint);
        }

        @Override
        public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
            return kafka.getSplitSerializer();
        }

        @Override
        public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
            return kafka.getEnumeratorCheckpointSerializer();
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return kafka.getProducedType();
        }
    }

    /** KafkaSourceReader, except that splits restored from state (added before start) start at the committed offset. */
    static final class Reader<T> implements SourceReader<T, KafkaPartitionSplit> {
        private final SourceReader<T, KafkaPartitionSplit> kafka;
        private boolean started;

        Reader(SourceReader<T, KafkaPartitionSplit> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            if (started) {
                kafka.addSplits(splits);
                return;
            }
            final List<KafkaPartitionSplit> fromCommitted = new ArrayList<>();
            for (KafkaPartitionSplit s : splits) {
                fromCommitted.add(new KafkaPartitionSplit(s.getTopicPartition(), KafkaPartitionSplit.COMMITTED_OFFSET));
            }
            kafka.addSplits(fromCommitted);
        }

        @Override
        public void start() {
            started = true;
            kafka.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return kafka.pollNext(output);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return kafka.isAvailable();
        }

        @Override
        public void notifyNoMoreSplits() {
            kafka.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            kafka.handleSourceEvents(sourceEvent);
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return kafka.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            kafka.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            kafka.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
            kafka.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            kafka.close();
        }
    }
}
