package org.eventsourced.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static SseParser parser(String wire, int buffer) {
        return new SseParser(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), buffer);
    }

    @Test
    void readsCommentsAndEventsWithIdAndType() throws IOException {
        for (int buffer : new int[] {1, 2, 3, 7, 4096}) {
            SseParser p = parser(":ok\n\nretry: 3000\nid: 7\n\nid: 0.1\nevent: m\ndata: a\ndata:  b\n\n", buffer);
            assertEquals(SseParser.Kind.COMMENT, p.next());
            assertEquals(SseParser.Kind.EVENT, p.next(), "buffer " + buffer);
            assertEquals("0.1", p.eventId());
            assertEquals("m", p.eventType());
            assertEquals("a\n b", p.eventData());
            assertEquals(SseParser.Kind.EOF, p.next());
        }
    }

    @Test
    void acceptsCrLfAndCrLineEndsAcrossBufferBoundaries() throws IOException {
        for (int buffer : new int[] {1, 2, 5, 4096}) {
            SseParser p = parser("data: x\r\n\r\ndata: y\r\rdata: z\n\n", buffer);
            assertEquals(SseParser.Kind.EVENT, p.next());
            assertEquals("x", p.eventData());
            assertEquals(SseParser.Kind.EVENT, p.next());
            assertEquals("y", p.eventData());
            assertEquals(SseParser.Kind.EVENT, p.next());
            assertEquals("z", p.eventData());
            assertNull(p.eventId(), "an id is reported per event, not inherited");
        }
    }

    @Test
    void dropsAnUnterminatedLastEvent() throws IOException {
        SseParser p = parser("data: complete\n\ndata: cut", 4096);
        assertEquals(SseParser.Kind.EVENT, p.next());
        assertEquals(SseParser.Kind.EOF, p.next());
    }

    @Test
    void decodesChunkedBodies() throws IOException {
        String wire = "4\r\n:ok\n\r\n11;ext=1\r\nid: 1\ndata: abc\n\n\r\n0\r\n\r\n";
        SseParser p = new SseParser(new ChunkedInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII))), 3);
        assertEquals(SseParser.Kind.COMMENT, p.next());
        assertEquals(SseParser.Kind.EVENT, p.next());
        assertEquals("1", p.eventId());
        assertEquals("abc", p.eventData());
        assertEquals(SseParser.Kind.EOF, p.next());
    }

    @Test
    void aChunkedBodyCutShortIsAnError() {
        InputStream in = new ChunkedInput(new ByteArrayInputStream("10\r\ndata: ab".getBytes(StandardCharsets.US_ASCII)));
        SseParser p = new SseParser(in, 64);
        assertThrows(EOFException.class, p::next);
    }
}
