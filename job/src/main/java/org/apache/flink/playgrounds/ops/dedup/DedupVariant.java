package org.apache.flink.playgrounds.ops.dedup;

import org.apache.flink.playgrounds.ops.clickcount.JobVariant;
import org.apache.flink.playgrounds.ops.dedup.records.InputEvent;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

import org.slf4j.LoggerFactory;

import java.util.ServiceLoader;

/**
 * The seam where a calibration mutant of the deduplication job differs from the real one (like
 * {@link JobVariant} for Click Event Count). The default build holds no other implementation; only
 * {@code mvn package -Dmutant=<name>} adds them (src/mutants/).
 */
public interface DedupVariant {

    default String name() {
        return "default";
    }

    /** The keyed function that drops repeated ids. */
    default KeyedProcessFunction<String, InputEvent, InputEvent> deduplicator() {
        return new DeduplicateById();
    }

    DedupVariant DEFAULT = new DedupVariant() {};

    /**
     * The real job, unless this jar is a mutant build of one of this job's mutants. A mutant build
     * of Click Event Count runs this job unchanged (its mutant is not one of these).
     */
    static DedupVariant active() {
        final String name = JobVariant.mutantName();
        if (name == null) {
            return DEFAULT;
        }
        for (DedupVariant v : ServiceLoader.load(DedupVariant.class, DedupVariant.class.getClassLoader())) {
            if (v.name().equals(name)) {
                LoggerFactory.getLogger(DedupVariant.class)
                        .warn("MUTANT BUILD: {} (a deliberately broken job, for calibration only)", name);
                return v;
            }
        }
        return DEFAULT;
    }
}
