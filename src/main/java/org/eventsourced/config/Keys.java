package org.eventsourced.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The known keys, in the order they are documented and printed, and the "did you mean" for the rest. */
final class Keys {
    static final Map<String, List<String>> SECTIONS = sections();

    private Keys() {
    }

    private static Map<String, List<String>> sections() {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        sections.put("server", List.of("address", "heartbeat", "retry", "shutdown_timeout", "write_timeout"));
        sections.put("broker", List.of("node", "channel_max"));
        sections.put("queue", List.of("pattern", "expire", "prefetch", "type", "takeover"));
        sections.put("delivery", List.of("ack_delay", "ack_window"));
        sections.put("header", List.of("cors", "sse"));
        sections.put("auth", List.of("secret", "query", "cookie"));
        sections.put("limits", List.of("max_streams", "header_bytes", "header_count", "head_timeout",
                "query_bytes", "cookie_bytes"));
        return Collections.unmodifiableMap(sections);
    }

    /** The message for a key nobody reads: "unknown key", with the likely intended key if one is near. */
    static String unknown(String parent, String name) {
        String message = "unknown key";
        if (name.equals("<<")) {
            return message + " (YAML merge keys are not supported: write the keys out)";
        }
        if (SECTIONS.containsKey(name.split("\\.", 2)[0]) && name.contains(".")) {
            return message + " (dotted keys are not expanded: nest it under " + name.split("\\.", 2)[0] + ":)";
        }
        String suggestion = suggest(parent, name);
        if (suggestion != null) {
            return message + ", did you mean " + suggestion + "?";
        }
        if (parent.equals("header")) {
            return message + " (response headers go under header.cors or header.sse)";
        }
        return parent.isEmpty()
                ? message + " (the sections are " + String.join(", ", SECTIONS.keySet()) + ")"
                : message + " (" + parent + " has " + String.join(", ", SECTIONS.getOrDefault(parent, List.of())) + ")";
    }

    /** The known key whose last part is closest to {@code name}, preferring the same section; null if none is near. */
    static String suggest(String parent, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, Math.min(3, wanted.length() / 3));
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (Map.Entry<String, List<String>> section : SECTIONS.entrySet()) {
            int score = score(wanted, section.getKey(), parent.isEmpty(), limit);
            if (score < bestScore) {
                best = section.getKey();
                bestScore = score;
            }
            for (String leaf : section.getValue()) {
                score = score(wanted, leaf, section.getKey().equals(parent), limit);
                if (score < bestScore) {
                    best = section.getKey() + "." + leaf;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    // A key from another section must be nearer: "mode" in delivery is not a typo of broker.node.
    private static int score(String wanted, String known, boolean sameParent, int limit) {
        int distance = distance(wanted, known);
        return distance > (sameParent ? limit : limit - 1) ? Integer.MAX_VALUE : distance * 2 + (sameParent ? 0 : 1);
    }

    /** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
