package org.apache.flink.playgrounds.ops.clickcount.records;

import java.util.Objects;

/**
 * One click: {@code {"timestamp": <epoch ms>, "page": "/help"}}.
 *
 * <p>A Flink POJO (public no-arg constructor, getters and setters), so Flink serializes it with
 * its PojoSerializer, which allows state schema evolution across savepoints.
 */
public class ClickEvent {

    private long timestamp;
    private String page;

    public ClickEvent() {}

    public ClickEvent(long timestamp, String page) {
        this.timestamp = timestamp;
        this.page = page;
    }

    /** Event time in epoch milliseconds. */
    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    public String getPage() {
        return page;
    }

    public void setPage(String page) {
        this.page = page;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        ClickEvent that = (ClickEvent) o;
        return timestamp == that.timestamp && Objects.equals(page, that.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, page);
    }

    @Override
    public String toString() {
        return "ClickEvent{timestamp=" + timestamp + ", page='" + page + "'}";
    }
}
