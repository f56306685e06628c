package org.eventsourced.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eventsourced.config.YamlDoc.Entry;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One of {@code header.cors} / {@code header.sse} while files are applied: a later file replaces a
 * header by name (ignoring case) and keeps the others; a header set to nothing ({@code ~}) is removed.
 */
final class HeaderMap {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final String FRAMING =
            "the server owns the framing (chunked on HTTP/1.1, close-delimited on HTTP/1.0)";
    private static final String CONNECTION = "hop-by-hop header, the server owns the connection";
    private static final Map<String, String> HOP_BY_HOP = Map.of(
            "transfer-encoding", FRAMING,
            "content-length", FRAMING,
            "te", FRAMING,
            "trailer", FRAMING,
            "connection", CONNECTION,
            "keep-alive", CONNECTION,
            "upgrade", CONNECTION,
            "proxy-connection", CONNECTION);

    private final String key;
    private final Map<String, String> values;

    HeaderMap(String key, Map<String, String> defaults) {
        this.key = key;
        this.values = new LinkedHashMap<>(defaults);
    }

    Map<String, String> values() {
        return values;
    }

    /** Applies one file's map; dropped headers become warnings. */
    void apply(Entry section, YamlDoc doc, List<String> warnings) {
        if (section.isNull()) {
            return;
        }
        Map<String, Origin> seen = new HashMap<>();
        for (Entry entry : doc.entries(section.map("header name: value"), key)) {
            String name = entry.name();
            String path = key + "." + Values.oneLine(name);
            if (!TOKEN.matcher(name).matches()) {
                throw entry.origin().error(path,
                        "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            Origin previous = seen.putIfAbsent(lower, entry.origin());
            if (previous != null) {
                throw entry.origin().error(path,
                        "duplicate header (already set on line " + previous.line() + "; header names ignore case)");
            }
            if (entry.isNull()) {
                values.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                continue;
            }
            if (!(entry.value() instanceof ScalarNode scalar)) {
                throw entry.origin().error(path, "must be a single text value, got " + YamlDoc.describe(entry.value()));
            }
            String value = scalar.getValue();
            if (!value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c < 0x7f)) {
                throw entry.origin().error(path, "the value must be printable ASCII on one line "
                        + "(no CR, LF, NUL or other control characters), got " + Values.quoted(value));
            }
            String reason = HOP_BY_HOP.get(lower);
            if (reason != null) {
                warnings.add(entry.origin() + ": " + path + " ignored: " + reason);
                continue;
            }
            if (key.equals("header.sse") && lower.equals("content-type")
                    && !value.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                warnings.add(entry.origin() + ": " + path + " is " + Values.quoted(value)
                        + ": browsers' EventSource only accepts text/event-stream");
            }
            put(name, value);
        }
    }

    /** Replaces a header of the same name in any case at its position, or appends it. */
    private void put(String name, String value) {
        String existing = values.keySet().stream().filter(name::equalsIgnoreCase).findFirst().orElse(null);
        if (existing == null || existing.equals(name)) {
            values.put(name, value);
            return;
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        values.forEach((k, v) -> renamed.put(k.equals(existing) ? name : k, k.equals(existing) ? value : v));
        values.clear();
        values.putAll(renamed);
    }
}
