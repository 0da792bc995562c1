package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.Collections;

/**
 * Mutant: each subtask of a filter in front of the counter drops the first event it sees after it
 * restored state (from a checkpoint after a failure, or from a savepoint). One event short per
 * subtask per restore: the smallest loss a restore can cause.
 */
public class EventDroppedAfterRestore implements JobVariant {

    @Override
    public String name() {
        return "event-dropped-after-restore";
    }

    @Override
    public DataStream<ClickEvent> clicks(DataStream<ClickEvent> clicks) {
        return clicks.filter(new DropFirstAfterRestore()).name("Mutant: drop after restore").uid("mutant-drop-after-restore");
    }

    static final class DropFirstAfterRestore extends RichFilterFunction<ClickEvent> implements CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        private transient ListState<Long> passed;
        private transient boolean dropNext;
        private transient long count;

        @Override
        public boolean filter(ClickEvent event) {
            if (dropNext) {
                dropNext = false;
                return false;
            }
            count++;
            return true;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            // Some state of its own, so the operator surely takes part in every restore.
            passed.update(Collections.singletonList(count));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            passed = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("passed", Types.LONG));
            dropNext = context.isRestored();
        }
    }
}
