package org.apache.flink.playgrounds.ops.clickcount;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The seams where a deliberately broken build of the job (a mutant, for the harness's calibration
 * suite) differs from the real one. Every method is the identity here, and the default build holds
 * no other implementation: only {@code mvn package -Dmutant=<name>} (profile {@code mutant}, sources
 * in {@code src/mutants/}) adds them, plus the resource naming the one that is active.
 */
public interface JobVariant {

    /** Present only in a mutant build: {@code mutant=<name>}. */
    String MUTANT_RESOURCE = "/click-event-count-mutant.properties";

    default String name() {
        return "default";
    }

    /** Whether the sink is transactional, given what {@code --exactly-once} asked for. */
    default boolean exactlyOnce(boolean requested) {
        return requested;
    }

    /** The source, from the builder the job configured. */
    default Source<ClickEvent, ?, ?> source(KafkaSourceBuilder<ClickEvent> builder) {
        return builder.build();
    }

    /** The click stream after the source (and its watermarks), before the counter. */
    default DataStream<ClickEvent> clicks(DataStream<ClickEvent> clicks) {
        return clicks;
    }

    /** The counter: {@code aggregate} is the job's own aggregation of one window. */
    default SingleOutputStreamOperator<ClickEventStatistics> counter(
            KeyedStream<ClickEvent, String> byPage,
            WindowAssigner<Object, TimeWindow> windows,
            Function<WindowedStream<ClickEvent, String, TimeWindow>, SingleOutputStreamOperator<ClickEventStatistics>> aggregate) {
        return aggregate.apply(byPage.window(windows));
    }

    JobVariant DEFAULT = new JobVariant() {};

    /** The real job, unless this jar is a mutant build; a mutant build that names no known mutant fails. */
    static JobVariant active() {
        final String name = mutantName();
        if (name == null) {
            return DEFAULT;
        }
        for (JobVariant v : ServiceLoader.load(JobVariant.class, JobVariant.class.getClassLoader())) {
            if (v.name().equals(name)) {
                LoggerFactory.getLogger(JobVariant.class)
                        .warn("MUTANT BUILD: {} (a deliberately broken job, for calibration only)", name);
                return v;
            }
        }
        throw new IllegalStateException("this mutant build names mutant '" + name + "' but holds no such variant");
    }

    /** The mutant this jar was built as ({@code -Dmutant=<name>}), or null for the real job. */
    static String mutantName() {
        try (InputStream in = JobVariant.class.getResourceAsStream(MUTANT_RESOURCE)) {
            if (in == null) {
                return null;
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("mutant", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
