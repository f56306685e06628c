package org.eventsourced.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.eventsourced.naming.QueueNamePattern;
import org.eventsourced.naming.QueueNamePattern.Resolution;
import org.junit.jupiter.api.Test;

/**
 * The queue-name resolver against random patterns and random requests: {@code compile} fails
 * only with {@link IllegalArgumentException}, and {@code resolve} agrees with a model of the
 * rules (the literal text with the request's values in place; at most 255 UTF-8 bytes, no
 * {@code amq.} prefix, no control characters or lone surrogates) and never throws.
 */
class QueueNamePatternFuzzTest {
    private static final int MAX_BYTES = 255;
    private static final String TOO_LONG = "queue name longer than 255 bytes";
    private static final String AMQ = "queue name must not start with 'amq.'";
    private static final String CONTROL = "queue name contains a control character";
    /** What {@code compile} strips: Java's {@code \s}, ASCII whitespace only. */
    private static final String WHITESPACE = " \t\n\u000B\f\r";
    private static final List<String> SOUP = List.of("${", "}", "$", "{", "query", "cookie", ":", "query:",
            "cookie:", "${query:", "${cookie:", "id", "sid", " ", "\t", "\n", "amq.", "-", "}}", "${}", "${:}");

    @Test
    void compileFailsOnlyWithIllegalArgumentExceptionAndWhatItCompilesResolvesSafely() {
        FuzzRun.of("QueueNamePatternFuzzTest.compile", 0x5EED_0001L, 20_000).forEachCase((r, i) -> {
            String source = soup(r);
            QueueNamePattern pattern;
            try {
                pattern = QueueNamePattern.compile(source);
            } catch (IllegalArgumentException e) {
                assertNotNull(e.getMessage(), "an explanation for " + Gen.show(source));
                assertFalse(e.getMessage().isBlank(), "an explanation for " + Gen.show(source));
                return;
            } catch (RuntimeException e) {
                throw new AssertionError("compile(" + Gen.show(source) + ") threw " + e, e);
            }
            assertEquals(source, pattern.source());
            for (int n = 0; n < 5; n++) {
                Map<String, String> query = randomValues(r, List.of("id", "sid", "query", ":", ""));
                Map<String, String> cookies = randomValues(r, List.of("id", "sid", "cookie", ":", ""));
                checkRules(resolve(pattern, query, cookies), () -> "pattern " + Gen.show(source));
            }
        });
    }

    @Test
    void resolveAgreesWithTheModelForAnyRequest() {
        FuzzRun.of("QueueNamePatternFuzzTest.resolve", 0x5EED_0002L, 20_000).forEachCase((r, i) -> {
            List<Part> parts = parts(r);
            String source = render(parts, r);
            QueueNamePattern pattern = QueueNamePattern.compile(source);
            boolean keysPrintable = parts.stream().filter(p -> p.kind != Kind.LITERAL)
                    .allMatch(p -> printableAscii(p.text));
            assertEquals(parts.stream().anyMatch(p -> p.kind == Kind.COOKIE), pattern.usesCookies(),
                    "usesCookies of " + Gen.show(source));
            for (int n = 0; n < 4; n++) {
                Map<String, String> query = requestValues(r, parts, Kind.QUERY);
                Map<String, String> cookies = requestValues(r, parts, Kind.COOKIE);
                Resolution actual = resolve(pattern, query, cookies);
                Supplier<String> context = () -> "pattern " + Gen.show(source) + " query " + show(query)
                        + " cookies " + show(cookies);
                checkRules(actual, context);
                Model expected = model(parts, query, cookies);
                switch (actual) {
                    case Resolution.Named named -> {
                        assertTrue(expected.reasons.isEmpty(), () -> "accepted " + Gen.show(named.name())
                                + " but expected a rejection for " + expected.reasons + ": " + context.get());
                        assertEquals(expected.name, named.name(), context);
                    }
                    case Resolution.Rejected rejected -> {
                        assertTrue(expected.reasons.contains(rejected.reason()),
                                () -> "rejected with " + Gen.show(rejected.reason()) + ", expected "
                                        + (expected.reasons.isEmpty() ? "the name " + Gen.show(expected.name)
                                        : "one of " + expected.reasons) + ": " + context.get());
                        // the reason names the pattern's keys, never a value from the request
                        assertTrue(!keysPrintable || printableAscii(rejected.reason()),
                                () -> "reason " + Gen.show(rejected.reason()) + ": " + context.get());
                    }
                }
            }
        });
    }

    private static Resolution resolve(QueueNamePattern pattern, Map<String, String> query,
            Map<String, String> cookies) {
        try {
            return pattern.resolve(query, cookies);
        } catch (RuntimeException e) {
            throw new AssertionError("resolve threw " + e + " for pattern " + Gen.show(pattern.source())
                    + " query " + show(query) + " cookies " + show(cookies), e);
        }
    }

    /** The rules every outcome obeys, whatever the pattern. */
    private static void checkRules(Resolution resolution, Supplier<String> context) {
        switch (resolution) {
            case Resolution.Named named -> {
                String name = named.name();
                assertFalse(name.isEmpty(), () -> "an empty name: " + context.get());
                byte[] utf8 = strictUtf8(name);
                if (utf8 == null) {
                    fail("name with a lone surrogate " + Gen.show(name) + ": " + context.get());
                }
                assertTrue(utf8.length <= MAX_BYTES,
                        () -> utf8.length + " bytes in " + Gen.show(name) + ": " + context.get());
                assertFalse(name.startsWith("amq."), () -> Gen.show(name) + ": " + context.get());
                assertTrue(name.chars().noneMatch(c -> Character.isISOControl((char) c)),
                        () -> "control character in " + Gen.show(name) + ": " + context.get());
            }
            case Resolution.Rejected rejected -> {
                assertNotNull(rejected.reason(), context);
                assertFalse(rejected.reason().isBlank(), context);
                assertTrue(rejected.reason().chars().noneMatch(c -> c == '\r' || c == '\n'),
                        () -> "a reason on one line: " + Gen.show(rejected.reason()));
            }
        }
    }

    // ---- the model ----

    private enum Kind { LITERAL, QUERY, COOKIE }

    /** A piece of a generated pattern; {@code text} is the literal or the key, without whitespace. */
    private record Part(Kind kind, String text) {
    }

    /** The expected name and, if it must be rejected, every reason that would be right. */
    private record Model(String name, Set<String> reasons) {
    }

    private static Model model(List<Part> parts, Map<String, String> query, Map<String, String> cookies) {
        StringBuilder name = new StringBuilder();
        for (Part part : parts) {
            switch (part.kind) {
                case LITERAL -> name.append(part.text);
                case QUERY, COOKIE -> {
                    String value = (part.kind == Kind.QUERY ? query : cookies).get(part.text);
                    if (value == null || value.isEmpty()) {
                        return new Model(null, Set.of(part.kind == Kind.QUERY
                                ? "missing query parameter '" + part.text + "'"
                                : "missing cookie '" + part.text + "'"));
                    }
                    name.append(value);
                }
            }
        }
        String s = name.toString();
        Set<String> reasons = new LinkedHashSet<>();
        byte[] utf8 = strictUtf8(s);
        // a lone surrogate has no UTF-8 form; count it as the 3 bytes its CESU-8 form would take
        long bytes = utf8 != null ? utf8.length : s.codePoints().mapToLong(c -> c < 0x80 ? 1 : c < 0x800 ? 2
                : c < 0x10000 ? 3 : 4).sum();
        if (bytes > MAX_BYTES) {
            reasons.add(TOO_LONG);
        }
        if (s.startsWith("amq.")) {
            reasons.add(AMQ);
        }
        if (utf8 == null || s.chars().anyMatch(c -> Character.isISOControl((char) c))) {
            reasons.add(CONTROL);
        }
        return new Model(s, reasons);
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    private static byte[] strictUtf8(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- generators ----

    /** A pattern made of pieces that often form placeholders, and often almost do. */
    private static String soup(Random r) {
        StringBuilder s = new StringBuilder();
        int pieces = r.nextInt(12);
        for (int i = 0; i < pieces; i++) {
            s.append(r.nextInt(3) == 0 ? Gen.text(r, 6) : Gen.oneOf(r, SOUP));
        }
        return s.toString();
    }

    /** A valid pattern: literals and placeholders, at least one placeholder. */
    private static List<Part> parts(Random r) {
        List<Part> parts = new ArrayList<>();
        int count = 1 + r.nextInt(5);
        for (int i = 0; i < count; i++) {
            int pick = r.nextInt(3);
            if (pick == 0) {
                String literal = r.nextInt(8) == 0 ? "amq." : strip(Gen.text(r, r.nextInt(10) == 0 ? 300 : 8));
                if (!literal.isEmpty()) {
                    boolean merge = !parts.isEmpty() && parts.get(parts.size() - 1).kind == Kind.LITERAL;
                    if (merge) {
                        literal = parts.remove(parts.size() - 1).text + literal;
                    }
                    if (!literal.contains("${")) {
                        parts.add(new Part(Kind.LITERAL, literal));
                    }
                }
            } else {
                parts.add(new Part(pick == 1 ? Kind.QUERY : Kind.COOKIE, key(r)));
            }
        }
        if (parts.stream().allMatch(p -> p.kind == Kind.LITERAL)) {
            parts.add(new Part(Kind.QUERY, key(r)));
        }
        return parts;
    }

    private static String key(Random r) {
        if (r.nextBoolean()) {
            return Gen.oneOf(r, List.of("id", "sid", "user", "a", "x:y", "\u00e9", "amq.", "$"));
        }
        String key = strip(Gen.text(r, 8)).replace("}", "");
        return key.isEmpty() ? "k" : key;
    }

    /** The pattern as a config file might spell it: whitespace sprinkled anywhere, since compile drops it. */
    private static String render(List<Part> parts, Random r) {
        StringBuilder s = new StringBuilder();
        for (Part part : parts) {
            switch (part.kind) {
                case LITERAL -> s.append(part.text);
                case QUERY -> s.append("${query:").append(part.text).append('}');
                case COOKIE -> s.append("${cookie:").append(part.text).append('}');
            }
        }
        int spaces = r.nextInt(4) == 0 ? r.nextInt(6) : 0;
        for (int i = 0; i < spaces; i++) {
            s.insert(r.nextInt(s.length() + 1), WHITESPACE.charAt(r.nextInt(WHITESPACE.length())));
        }
        return s.toString();
    }

    private static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (WHITESPACE.indexOf(s.charAt(i)) < 0) {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    /** Values for the pattern's keys of one kind: missing, empty, short, hostile, or long; plus strays. */
    private static Map<String, String> requestValues(Random r, List<Part> parts, Kind kind) {
        Map<String, String> values = new HashMap<>();
        for (Part part : parts) {
            if (part.kind == kind && r.nextInt(10) != 0) {
                values.put(part.text, value(r));
            }
        }
        values.putAll(randomValues(r, List.of("id", "other")));
        return values;
    }

    private static Map<String, String> randomValues(Random r, List<String> keys) {
        Map<String, String> values = new HashMap<>();
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            values.putIfAbsent(r.nextBoolean() ? Gen.oneOf(r, keys) : Gen.text(r, 4), value(r));
        }
        return values;
    }

    private static String value(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "";
            case 1 -> "amq." + Gen.validText(r, 6);
            case 2 -> "a".repeat(200 + r.nextInt(80)); // around the 255-byte limit
            case 3 -> "\u00e9".repeat(100 + r.nextInt(60)); // two bytes each
            case 4 -> "\uD83D\uDE00".repeat(55 + r.nextInt(20)); // four bytes each
            case 5 -> Gen.text(r, 2000);
            case 6 -> String.valueOf((char) (0xD800 + r.nextInt(0x800)));
            default -> Gen.text(r, 12);
        };
    }

    private static String show(Map<String, String> values) {
        StringBuilder s = new StringBuilder("{");
        values.forEach((k, v) -> s.append(Gen.show(k)).append('=').append(Gen.show(v)).append(", "));
        return s.append('}').toString();
    }
}
