package org.apache.flink.playgrounds.ops.dedup.mutants;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.playgrounds.ops.dedup.DedupVariant;
import org.apache.flink.playgrounds.ops.dedup.records.InputEvent;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashSet;
import java.util.Set;

/**
 * Mutant of the deduplication job: the seen ids live in a HashSet on the heap, outside Flink's
 * state. Nothing of it is checkpointed, so after any restore (a failure, a savepoint, a rescale) a
 * later copy of an id seen before the restore passes again: a duplicate in the output.
 */
public class DedupStateNotRestored implements DedupVariant {

    @Override
    public String name() {
        return "dedup-state-not-restored";
    }

    @Override
    public KeyedProcessFunction<String, InputEvent, InputEvent> deduplicator() {
        return new HeapDeduplicator();
    }

    static final class HeapDeduplicator extends KeyedProcessFunction<String, InputEvent, InputEvent> {
        private static final long serialVersionUID = 1L;
        private transient Set<String> seen;

        @Override
        public void open(OpenContext openContext) {
            seen = new HashSet<>();
        }

        @Override
        public void processElement(InputEvent event, Context ctx, Collector<InputEvent> out) {
            if (seen.add(event.getId())) {
                out.collect(event);
            }
        }
    }
}
