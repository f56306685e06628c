package org.eventsourced.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.eventsourced.testsupport.SseParser;
import org.junit.jupiter.api.Test;

class SseEncoderTest {

    private static String encode(SseFrame frame) {
        FrameBuffer buffer = new FrameBuffer(16);
        SseEncoder.encode(frame, buffer);
        return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String event(String text) {
        return encode(new SseFrame.Event(null, null, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String readBack(String text) {
        List<SseParser.Event> events = new SseParser().feed(event(text));
        assertEquals(1, events.size(), "one event for " + text);
        return events.get(0).data();
    }

    @Test
    void splitsOnCrLfCrAndLfOnlyKeepingEmptySegments() {
        assertEquals("""
                data: a
                data: b
                data: c
                data:\s
                data: d

                """, event("a\r\nb\rc\n\nd"));
    }

    @Test
    void sizeOfEventIsTheEncodedSizeOfAOneLineAsciiEvent() {
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        for (SseFrame.Event e : List.of(new SseFrame.Event("msg-1", "price", body),
                new SseFrame.Event(null, "price", body), new SseFrame.Event("msg-1", null, body),
                new SseFrame.Event(null, null, new byte[0]))) {
            assertEquals(encode(e).length(), SseEncoder.sizeOfEvent(e.id(), e.type(), e.data()), e.toString());
        }
    }

    @Test
    void otherLineSeparatorsStayInsideTheLine() {
        assertEquals("data: a\u2028b\u0085c\u000Bd\u000Ce\n\n", event("a\u2028b\u0085c\u000Bd\u000Ce"));
    }

    @Test
    void emptyMessageIsOneEmptyDataLine() {
        assertEquals("data: \n\n", event(""));
        assertEquals("", readBack(""));
    }

    @Test
    void textReadsBackExactlyWithCrAsLf() {
        List<String> texts = List.of("plain", "  leading and trailing  ", "\n\nblank lines\n\n", "trailing\n",
                "id: not an id", "event: not an event", ": not a comment", "data: nested", "retry: 5",
                "ünïcødé ✓ 😀 中文", "x".repeat(65536), "tab\tinside", "nul\0inside");
        for (String text : texts) {
            assertEquals(text, readBack(text), "round trip of " + text.substring(0, Math.min(20, text.length())));
        }
        assertEquals("a\nb\nc\n", readBack("a\r\nb\rc\r\n"));
    }

    @Test
    void idAndTypeAreWrittenOnlyWhenSafe() {
        assertEquals("id: m-1\nevent: price\ndata: 1\n\n",
                encode(new SseFrame.Event("m-1", "price", "1".getBytes(StandardCharsets.UTF_8))));
        assertEquals("data: 1\n\n",
                encode(new SseFrame.Event("m\n1", "pri\rce", "1".getBytes(StandardCharsets.UTF_8))));
        assertEquals("data: 1\n\n",
                encode(new SseFrame.Event("m\0", "", "1".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void invalidUtf8IsRepairedWithReplacementCharacters() {
        FrameBuffer buffer = new FrameBuffer(16);
        boolean repaired = SseEncoder.encode(new SseFrame.Event(null, null,
                new byte[] {'a', (byte) 0xC3, '\n', (byte) 0xFF, 'b'}), buffer);
        assertTrue(repaired);
        assertEquals("data: a\uFFFD\ndata: \uFFFDb\n\n", new String(buffer.toByteArray(), StandardCharsets.UTF_8));
        assertFalse(SseEncoder.encode(new SseFrame.Event(null, null, "ok ✓".getBytes(StandardCharsets.UTF_8)),
                new FrameBuffer(16)));
    }

    @Test
    void commentsRetryAndBareIdFrames() {
        assertEquals(":\n", encode(new SseFrame.Comment("")));
        assertEquals(": hi there\n", encode(new SseFrame.Comment("hi\nthere")));
        assertEquals("retry: 2500\n", encode(new SseFrame.Retry(2500)));
        assertEquals("id: es-1\n\n", encode(new SseFrame.LastEventId("es-1")));
        SseParser parser = new SseParser();
        assertTrue(parser.feed(encode(new SseFrame.LastEventId("es-1"))).isEmpty(), "a bare id fires no event");
        assertEquals("es-1", parser.lastEventId());
    }

    @Test
    void randomTextsReadBackExactly() {
        Random random = new Random(42);
        String alphabet = "ab \r\n:\u00e9\u4e2d\uD83D\uDE00\t";
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(alphabet.length());
                char c = alphabet.charAt(pick);
                if (Character.isHighSurrogate(c)) {
                    text.append(c).append(alphabet.charAt(pick + 1));
                } else if (!Character.isLowSurrogate(c)) {
                    text.append(c);
                }
            }
            String expected = text.toString().replace("\r\n", "\n").replace('\r', '\n');
            assertEquals(expected, readBack(text.toString()), "round " + round);
        }
    }
}
