package org.apache.flink.playgrounds.ops.clickcount.records;

import java.util.Objects;

/**
 * Result of one window for one page:
 * {@code {"windowStart": <epoch ms>, "windowEnd": <epoch ms>, "page": "/help", "count": 1000}}.
 */
public class ClickEventStatistics {

    private long windowStart;
    private long windowEnd;
    private String page;
    private long count;

    public ClickEventStatistics() {}

    public ClickEventStatistics(long windowStart, long windowEnd, String page, long count) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.page = page;
        this.count = count;
    }

    public long getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(long windowStart) {
        this.windowStart = windowStart;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }

    public String getPage() {
        return page;
    }

    public void setPage(String page) {
        this.page = page;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        ClickEventStatistics that = (ClickEventStatistics) o;
        return windowStart == that.windowStart
                && windowEnd == that.windowEnd
                && count == that.count
                && Objects.equals(page, that.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStart, windowEnd, page, count);
    }

    @Override
    public String toString() {
        return "ClickEventStatistics{windowStart=" + windowStart + ", windowEnd=" + windowEnd
                + ", page='" + page + "', count=" + count + '}';
    }
}
