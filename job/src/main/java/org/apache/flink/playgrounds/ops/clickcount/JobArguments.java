package org.apache.flink.playgrounds.ops.clickcount;

import org.apache.flink.api.common.ExecutionConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal command line parser with the semantics of Flink's {@code ParameterTool.fromArgs}.
 *
 * <p>Why not ParameterTool itself: it lives in {@code org.apache.flink.api.java.utils} (module
 * flink-java) in Flink 1.20 but in {@code org.apache.flink.util} (flink-core) in Flink 2.x, where
 * flink-java no longer exists; no single import compiles against both lines.
 *
 * <p>Rules (as ParameterTool): every key starts with {@code -} or {@code --}; the next argument is
 * its value unless it is itself a key (a negative number counts as a value); a key without value is
 * a switch. In addition {@code --key=value} is accepted. A later occurrence of a key wins. A switch
 * given the explicit value {@code false} is off.
 *
 * <p>Extends GlobalJobParameters so the arguments appear in the Web UI's job configuration tab.
 */
public final class JobArguments extends ExecutionConfig.GlobalJobParameters {

    private static final long serialVersionUID = 1L;

    /** Stored for keys given without a value, like ParameterTool's NO_VALUE_KEY. */
    public static final String NO_VALUE = "__NO_VALUE_KEY";

    private final Map<String, String> values;

    private JobArguments(Map<String, String> values) {
        this.values = values;
    }

    public static JobArguments parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            String key;
            if (arg.startsWith("--")) {
                key = arg.substring(2);
            } else if (arg.startsWith("-")) {
                key = arg.substring(1);
            } else {
                throw new IllegalArgumentException(
                        "Error parsing arguments '" + String.join(" ", args) + "' on '" + arg
                                + "'. Please prefix keys with -- or -.");
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException(
                        "The input " + String.join(" ", args) + " contains an empty argument");
            }
            i++;
            int eq = key.indexOf('=');
            if (eq > 0) {
                map.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i < args.length && !isKey(args[i])) {
                map.put(key, args[i]);
                i++;
            } else {
                map.put(key, NO_VALUE);
            }
        }
        return new JobArguments(map);
    }

    private static boolean isKey(String arg) {
        if (!arg.startsWith("-") || arg.length() < 2) {
            return false;
        }
        // "-5" or "-1.5" is a value, not a key.
        try {
            Double.parseDouble(arg);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value of {@code key}, or {@code defaultValue} if absent or given without a value. */
    public String get(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || NO_VALUE.equals(v) ? defaultValue : v;
    }

    /** A switch: on if present, unless given the value {@code false}. */
    public boolean isSet(String key) {
        String v = values.get(key);
        return v != null && !"false".equalsIgnoreCase(v);
    }

    public Iterable<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    @Override
    public Map<String, String> toMap() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobArguments && values.equals(((JobArguments) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
