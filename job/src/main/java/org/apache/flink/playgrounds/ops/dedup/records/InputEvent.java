package org.apache.flink.playgrounds.ops.dedup.records;

import java.util.Objects;

/**
 * One input event of the deduplication job: {@code {"id": "e-42", "key": "user-3", "timestamp": <epoch ms>}}.
 * The input carries some events more than once (same id, same content), on purpose.
 *
 * <p>A Flink POJO, so Flink serializes it with its PojoSerializer (schema evolution across savepoints).
 */
public class InputEvent {

    private String id;
    private String key;
    private long timestamp;

    public InputEvent() {}

    public InputEvent(String id, String key, long timestamp) {
        this.id = id;
        this.key = key;
        this.timestamp = timestamp;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        InputEvent that = (InputEvent) o;
        return timestamp == that.timestamp && Objects.equals(id, that.id) && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, key, timestamp);
    }

    @Override
    public String toString() {
        return "InputEvent{id='" + id + "', key='" + key + "', timestamp=" + timestamp + "}";
    }
}
