package org.eventsourced.naming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a queue name is made from a request: a compiled {@code queue.pattern}
 * such as {@code queue-${query:id}-${cookie:sid}}. Immutable and thread-safe.
 */
public final class QueueNamePattern {
    /** RabbitMQ's limit on queue names, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 255;

    private final String source;
    private final List<Part> parts;

    private QueueNamePattern(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /** A piece of the pattern: literal text, or a value taken from the request. */
    sealed interface Part permits Literal, QueryValue, CookieValue {
    }

    record Literal(String text) implements Part {
    }

    record QueryValue(String key) implements Part {
    }

    record CookieValue(String key) implements Part {
    }

    /**
     * Compiles a pattern; whitespace in it is ignored.
     *
     * @throws IllegalArgumentException saying what is wrong with the pattern
     */
    public static QueueNamePattern compile(String pattern) {
        String compact = pattern.replaceAll("\\s+", "");
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < compact.length()) {
            int start = compact.indexOf("${", i);
            if (start < 0) {
                parts.add(new Literal(compact.substring(i)));
                break;
            }
            if (start > i) {
                parts.add(new Literal(compact.substring(i, start)));
            }
            int end = compact.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed ${ in queue pattern");
            }
            parts.add(placeholder(compact.substring(start + 2, end)));
            i = end + 1;
        }
        if (parts.stream().noneMatch(p -> !(p instanceof Literal))) {
            throw new IllegalArgumentException(
                    "queue pattern needs at least one ${query:KEY} or ${cookie:KEY}, or every client shares one queue");
        }
        return new QueueNamePattern(pattern, parts);
    }

    private static Part placeholder(String body) {
        int colon = body.indexOf(':');
        String source = colon < 0 ? body : body.substring(0, colon);
        String key = colon < 0 ? "" : body.substring(colon + 1);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("placeholder ${" + body + "} needs a key, e.g. ${query:id}");
        }
        return switch (source) {
            case "query" -> new QueryValue(key);
            case "cookie" -> new CookieValue(key);
            default -> throw new IllegalArgumentException(
                    "unknown placeholder source '" + source + "' (use query or cookie)");
        };
    }

    /** The pattern as written in the config. */
    public String source() {
        return source;
    }

    /** Whether a placeholder reads a cookie (then cross-origin clients must send credentials). */
    public boolean usesCookies() {
        return parts.stream().anyMatch(p -> p instanceof CookieValue);
    }

    /**
     * Resolves the pattern against a request's decoded query parameters and cookies.
     *
     * @return the queue name, or the reason the request cannot name a queue
     */
    public Resolution resolve(Map<String, String> query, Map<String, String> cookies) {
        StringBuilder name = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal l -> name.append(l.text());
                case QueryValue q -> {
                    Optional<String> value = nonEmpty(query.get(q.key()));
                    if (value.isEmpty()) {
                        return new Resolution.Rejected("missing query parameter '" + q.key() + "'");
                    }
                    name.append(value.get());
                }
                case CookieValue c -> {
                    Optional<String> value = nonEmpty(cookies.get(c.key()));
                    if (value.isEmpty()) {
                        return new Resolution.Rejected("missing cookie '" + c.key() + "'");
                    }
                    name.append(value.get());
                }
            }
        }
        return check(name.toString());
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Resolution check(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return new Resolution.Rejected("queue name longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.startsWith("amq.")) {
            return new Resolution.Rejected("queue name must not start with 'amq.'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogateAt(name, i)) {
                return new Resolution.Rejected("queue name contains a control character");
            }
        }
        return new Resolution.Named(name);
    }

    private static boolean validSurrogateAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    @Override
    public String toString() {
        return source;
    }

    /** The outcome of resolving a pattern against one request. */
    public sealed interface Resolution {
        /** A usable queue name. */
        record Named(String name) implements Resolution {
        }

        /** The request cannot name a queue; {@code reason} is safe to show to the client. */
        record Rejected(String reason) implements Resolution {
        }
    }
}
