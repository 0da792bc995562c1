package org.apache.flink.playgrounds.ops.clickcount.mutants;

import org.apache.flink.playgrounds.ops.clickcount.JobVariant;

/**
 * Mutant: {@code --exactly-once} is accepted and ignored; the sink writes at-least-once (no
 * transactions), so a replay after a failure is visible even to read_committed consumers.
 */
public class AtLeastOnceSinkClaimsExactlyOnce implements JobVariant {

    @Override
    public String name() {
        return "alo-sink-claims-eo";
    }

    @Override
    public boolean exactlyOnce(boolean requested) {
        return false;
    }
}
