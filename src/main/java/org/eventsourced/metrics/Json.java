package org.eventsourced.metrics;

import java.util.List;

/** A minimal JSON writer for the few documents this server renders. Not thread-safe. */
public final class Json {
    private final StringBuilder out = new StringBuilder(2048);
    private boolean needComma;

    public Json open() {
        separate();
        out.append('{');
        needComma = false;
        return this;
    }

    public Json close() {
        out.append('}');
        needComma = true;
        return this;
    }

    public Json openArray() {
        separate();
        out.append('[');
        needComma = false;
        return this;
    }

    public Json closeArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    public Json key(String key) {
        separate();
        quote(key);
        out.append(':');
        needComma = false;
        return this;
    }

    public Json number(long value) {
        separate();
        out.append(value);
        needComma = true;
        return this;
    }

    public Json bool(boolean value) {
        separate();
        out.append(value);
        needComma = true;
        return this;
    }

    public Json string(String value) {
        separate();
        quote(value);
        needComma = true;
        return this;
    }

    public Json stringArray(List<String> values) {
        openArray();
        values.forEach(this::string);
        return closeArray();
    }

    private void separate() {
        if (needComma) {
            out.append(',');
        }
    }

    private void quote(String s) {
        appendQuoted(s, out);
    }

    /** {@code s} as a JSON string literal, appended to {@code out}. */
    public static void appendQuoted(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
