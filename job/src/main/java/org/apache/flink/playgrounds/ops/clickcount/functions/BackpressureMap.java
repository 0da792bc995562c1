package org.apache.flink.playgrounds.ops.clickcount.functions;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.playgrounds.ops.clickcount.records.ClickEvent;

import java.time.LocalTime;

/**
 * Causes heavy backpressure during every even-numbered minute of the wall clock, like the original
 * playground's BackpressureMap: it sleeps 100 ms per record in even minutes and passes records
 * through untouched in odd minutes.
 */
public class BackpressureMap implements MapFunction<ClickEvent, ClickEvent> {

    private static final long serialVersionUID = 1L;

    static final long SLEEP_MILLIS = 100;

    static boolean causeBackpressure() {
        return LocalTime.now().getMinute() % 2 == 0;
    }

    @Override
    public ClickEvent map(ClickEvent event) throws Exception {
        if (causeBackpressure()) {
            Thread.sleep(SLEEP_MILLIS);
        }
        return event;
    }
}
