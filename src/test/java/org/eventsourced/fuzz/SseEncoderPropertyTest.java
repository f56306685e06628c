package org.eventsourced.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.eventsourced.sse.FrameBuffer;
import org.eventsourced.sse.SseEncoder;
import org.eventsourced.sse.SseFrame;
import org.eventsourced.testsupport.SseParser;
import org.junit.jupiter.api.Test;

/**
 * The SSE encoder against a conforming parser fed the way a browser is (bytes decoded by the
 * WHATWG UTF-8 decoder, in arbitrary pieces): any text reads back exactly, with CR and CRLF
 * as LF; any bytes read back as their U+FFFD-repaired text; an id or event type with CR, LF or
 * NUL never reaches the wire; the wire never carries a CR, a BOM at its start or invalid UTF-8,
 * and every frame ends where the next can begin.
 */
class SseEncoderPropertyTest {

    @Test
    void anyTextReadsBackExactlyWithCrAndCrLfAsLf() {
        FuzzRun.of("SseEncoderPropertyTest.text", 0x5EED_0011L, 4_000).forEachCase((r, i) -> {
            String text = text(r, i);
            String id = field(r);
            String type = field(r);
            byte[] wire = encode(new SseFrame.Event(id, type, text.getBytes(StandardCharsets.UTF_8)), false);
            String context = "text " + Gen.show(text) + " id " + show(id) + " type " + show(type);
            checkWire(wire, context);
            checkFieldsStayOff(wire, id, type, context);
            List<SseParser.Event> events = parse(wire, r);
            assertEquals(1, events.size(), "one event for " + context);
            SseParser.Event event = events.get(0);
            assertEquals(lf(text), event.data(), context);
            assertEquals(type != null && !type.isEmpty() && SseEncoder.isFieldSafe(type) ? type : "message",
                    event.type(), context);
            assertEquals(id != null && SseEncoder.isFieldSafe(id) ? id : "", event.lastEventId(), context);
        });
    }

    @Test
    void anyBytesReadBackAsTheirRepairedText() {
        FuzzRun.of("SseEncoderPropertyTest.bytes", 0x5EED_0012L, 4_000).forEachCase((r, i) -> {
            byte[] body = i % 100 == 99 ? Gen.bytes(r, 200_000) : Gen.bytes(r, 300);
            boolean valid = WhatwgUtf8.isValid(body);
            FrameBuffer out = new FrameBuffer(16);
            boolean repaired = SseEncoder.encode(new SseFrame.Event(null, null, body), out);
            byte[] wire = out.toByteArray();
            String context = "body " + Gen.show(body);
            assertEquals(!valid, repaired, "encode says whether it repaired " + context);
            checkWire(wire, context);
            List<SseParser.Event> events = parse(wire, r);
            assertEquals(1, events.size(), "one event for " + context);
            String shown = events.get(0).data();
            assertEquals(lf(repaired(body)), shown, context);
            // what a browser would show had the raw bytes reached it, up to how many U+FFFD stand for one
            // malformed run (the JDK gives one for an encoded surrogate such as ED A0 80, WHATWG three)
            assertEquals(collapseReplacements(lf(WhatwgUtf8.decode(body))), collapseReplacements(shown),
                    "the text a browser would show for the raw body, " + context);
        });
    }

    @Test
    void framesBackToBackReadBackAsThatSequence() {
        FuzzRun.of("SseEncoderPropertyTest.sequence", 0x5EED_0013L, 1_500).forEachCase((r, i) -> {
            List<SseFrame> frames = new ArrayList<>();
            int count = r.nextInt(40);
            for (int n = 0; n < count; n++) {
                frames.add(frame(r));
            }
            FrameBuffer out = new FrameBuffer(16);
            for (SseFrame frame : frames) {
                SseEncoder.encode(frame, out);
            }
            byte[] wire = out.toByteArray();
            String context = "frames " + describe(frames);
            assertFalse(contains(wire, (byte) '\r'), "a CR on the wire: " + context);
            assertTrue(WhatwgUtf8.isValid(wire), "invalid UTF-8 on the wire: " + context);
            assertFalse(startsWithBom(wire), "a BOM at the start of the stream: " + context);
            assertTrue(wire.length == 0 || endsWith(wire, "\n"), "a frame left unfinished: " + context);

            Expected expected = expect(frames);
            SseParser parser = new SseParser();
            List<SseParser.Event> events = feed(parser, WhatwgUtf8.decodeStream(wire), r);
            assertEquals(expected.events, events, context);
            assertEquals(expected.comments, parser.comments(), context);
            assertEquals(expected.retry, parser.retry(), context);
            assertEquals(expected.lastEventId, parser.lastEventId(), context);
        });
    }

    // ---- checks ----

    private static byte[] encode(SseFrame.Event event, boolean expectRepair) {
        FrameBuffer out = new FrameBuffer(16);
        assertEquals(expectRepair, SseEncoder.encode(event, out), "repair flag");
        return out.toByteArray();
    }

    /** What holds for one encoded event, whatever went in. */
    private static void checkWire(byte[] wire, String context) {
        assertFalse(contains(wire, (byte) '\r'), "a CR on the wire: " + context);
        assertTrue(endsWith(wire, "\n\n"), "an event must end with a blank line: " + context);
        assertTrue(WhatwgUtf8.isValid(wire), "invalid UTF-8 on the wire: " + context);
        assertFalse(startsWithBom(wire), "a BOM at the start of the stream would be swallowed: " + context);
    }

    /** No line of the wire is an id or event field made from a value the encoder had to drop. */
    private static void checkFieldsStayOff(byte[] wire, String id, String type, String context) {
        String text = new String(wire, StandardCharsets.UTF_8);
        for (String line : text.split("\n", -1)) {
            if (id != null && !SseEncoder.isFieldSafe(id)) {
                assertFalse(line.startsWith("id"), "unsafe id reached the wire as " + Gen.show(line) + ": " + context);
            }
            if (type != null && !SseEncoder.isFieldSafe(type)) {
                assertFalse(line.startsWith("event"),
                        "unsafe type reached the wire as " + Gen.show(line) + ": " + context);
            }
        }
    }

    /** Parses as a browser would: WHATWG-decoded, fed in random pieces. */
    private static List<SseParser.Event> parse(byte[] wire, Random r) {
        return feed(new SseParser(), WhatwgUtf8.decodeStream(wire), r);
    }

    private static List<SseParser.Event> feed(SseParser parser, String text, Random r) {
        List<SseParser.Event> events = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int piece = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(Math.max(1, text.length()));
            int end = Math.min(text.length(), at + piece);
            events.addAll(parser.feed(text.substring(at, end)));
            at = end;
        }
        return events;
    }

    // ---- the model of a stream ----

    private record Expected(List<SseParser.Event> events, List<String> comments, long retry, String lastEventId) {
    }

    private static Expected expect(List<SseFrame> frames) {
        List<SseParser.Event> events = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        long retry = -1;
        String lastId = "";
        for (SseFrame frame : frames) {
            switch (frame) {
                case SseFrame.Event e -> {
                    if (e.id() != null && SseEncoder.isFieldSafe(e.id())) {
                        lastId = e.id();
                    }
                    String type = e.type() != null && !e.type().isEmpty() && SseEncoder.isFieldSafe(e.type())
                            ? e.type() : "message";
                    events.add(new SseParser.Event(type, lf(repaired(e.data())), lastId));
                }
                case SseFrame.Comment c -> comments.add(c.text().isEmpty() ? ""
                        : " " + c.text().replace('\r', ' ').replace('\n', ' ').replace('\0', ' '));
                case SseFrame.Retry t -> retry = t.millis() >= 0 ? t.millis() : retry;
                case SseFrame.LastEventId l -> lastId = SseEncoder.isFieldSafe(l.id()) ? l.id() : lastId;
            }
        }
        return new Expected(events, comments, retry, lastId);
    }

    // ---- generators ----

    /** Text with line breaks of every kind, NUL, U+2028, a BOM at the start, and now and then a huge line. */
    private static String text(Random r, int index) {
        if (index % 200 == 199) {
            return Gen.validText(r, 20).replace("\r", "").replace("\n", "") + "x".repeat(200_000 + r.nextInt(50_000));
        }
        StringBuilder s = new StringBuilder();
        if (r.nextInt(8) == 0) {
            s.append('\uFEFF');
        }
        int pieces = r.nextInt(8);
        for (int n = 0; n < pieces; n++) {
            s.append(switch (r.nextInt(6)) {
                case 0 -> Gen.oneOf(r, List.of("\r", "\n", "\r\n", "\n\r", "\r\r\n", "\n\n"));
                case 1 -> Gen.oneOf(r, List.of("\0", "\u2028", "\u2029", "\u0085", "\uFEFF", " ", ":", "data: x",
                        "id: y", "event: z", "retry: 1", ": c"));
                default -> Gen.validText(r, 30);
            });
        }
        return s.toString();
    }

    /** An id or event type: absent, empty, ordinary, or carrying a CR, LF or NUL. */
    private static String field(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> Gen.validText(r, 10) + Gen.oneOf(r, List.of("\r", "\n", "\0", "\r\n")) + Gen.validText(r, 10);
            case 3 -> Gen.validText(r, 20);
            case 4 -> "  spaced ";
            default -> "e-" + r.nextInt(1_000_000);
        };
    }

    private static SseFrame frame(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> new SseFrame.Comment(r.nextBoolean() ? "" : Gen.validText(r, 20));
            case 1 -> new SseFrame.Retry(r.nextInt(10) == 0 ? -r.nextInt(1000) : r.nextInt(100_000));
            case 2 -> new SseFrame.LastEventId(r.nextBoolean() ? Objects.requireNonNullElse(field(r), "")
                    : "id-" + r.nextInt(100));
            case 3, 4 -> new SseFrame.Event(field(r), field(r), Gen.bytes(r, 60));
            default -> new SseFrame.Event(field(r), field(r), text(r, 0).getBytes(StandardCharsets.UTF_8));
        };
    }

    // ---- helpers ----

    /** The body with U+FFFD for malformed UTF-8, as the encoder documents (the JDK's decoder). */
    private static String repaired(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String collapseReplacements(String text) {
        return text.replaceAll("\uFFFD+", "\uFFFD");
    }

    /** CR and CRLF as LF: what a conforming parser can see of a line break. */
    private static String lf(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsWith(byte[] bytes, String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (bytes[bytes.length - s.length + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
    }

    private static String show(String value) {
        return value == null ? "null" : Gen.show(value);
    }

    private static String describe(List<SseFrame> frames) {
        StringBuilder s = new StringBuilder("[");
        for (SseFrame frame : frames) {
            s.append(switch (frame) {
                case SseFrame.Event e -> "Event(" + show(e.id()) + ", " + show(e.type()) + ", " + Gen.show(e.data())
                        + ")";
                case SseFrame.Comment c -> "Comment(" + Gen.show(c.text()) + ")";
                case SseFrame.Retry t -> "Retry(" + t.millis() + ")";
                case SseFrame.LastEventId l -> "LastEventId(" + show(l.id()) + ")";
            }).append(", ");
        }
        return s.append(']').toString();
    }
}
