package org.eventsourced.sse;

import java.nio.charset.StandardCharsets;

/**
 * The one class that turns frames into the bytes of a {@code text/event-stream}.
 *
 * <p>A message body is split on CRLF, CR and LF only; each segment, empty ones included,
 * becomes one {@code data: } line, so a conforming parser rebuilds the text exactly,
 * with CR and CRLF read back as LF (no SSE client can see a CR). A body that is not valid
 * UTF-8 is decoded with U+FFFD in place of each malformed sequence, so the stream never
 * carries bytes a browser would reject.
 */
public final class SseEncoder {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private SseEncoder() {
    }

    /**
     * Appends the frame's bytes to {@code out}.
     *
     * @return true if an event's body was not valid UTF-8 and had to be repaired
     */
    public static boolean encode(SseFrame frame, FrameBuffer out) {
        switch (frame) {
            case SseFrame.Event e -> {
                return event(e, out);
            }
            case SseFrame.Comment c -> {
                out.write(':');
                if (!c.text().isEmpty()) {
                    out.write(' ');
                    out.write(fieldValue(c.text()));
                }
                out.write(LF);
            }
            case SseFrame.Retry r -> {
                out.write(RETRY);
                out.write(Long.toString(r.millis()).getBytes(StandardCharsets.US_ASCII));
                out.write(LF);
            }
            case SseFrame.LastEventId l -> {
                if (isFieldSafe(l.id())) {
                    out.write(ID);
                    out.write(l.id().getBytes(StandardCharsets.UTF_8));
                    out.write(LF);
                    out.write(LF);
                }
            }
        }
        return false;
    }

    /**
     * The bytes of an event with an ASCII id and type and a one-line body; a batch's buffer is
     * sized by it, so that encoding does not grow (and copy) the buffer. A body's extra lines and
     * non-ASCII ids or types only make it grow, as before.
     */
    public static int sizeOfEvent(String id, String type, byte[] body) {
        int size = DATA.length + body.length + 2;
        if (id != null) {
            size += ID.length + id.length() + 1;
        }
        if (type != null) {
            size += EVENT.length + type.length() + 1;
        }
        return size;
    }

    /** Whether a text can be a field value: no CR, LF or NUL. */
    public static boolean isFieldSafe(String value) {
        return value.indexOf('\r') < 0 && value.indexOf('\n') < 0 && value.indexOf('\0') < 0;
    }

    private static boolean event(SseFrame.Event e, FrameBuffer out) {
        if (e.id() != null && isFieldSafe(e.id())) {
            out.write(ID);
            out.write(e.id().getBytes(StandardCharsets.UTF_8));
            out.write(LF);
        }
        if (e.type() != null && !e.type().isEmpty() && isFieldSafe(e.type())) {
            out.write(EVENT);
            out.write(e.type().getBytes(StandardCharsets.UTF_8));
            out.write(LF);
        }
        boolean valid = Utf8.isValid(e.data());
        dataLines(valid ? e.data() : Utf8.replaceMalformed(e.data()), out);
        out.write(LF);
        return !valid;
    }

    /** CR and LF are single bytes in UTF-8 and never part of a multi-byte sequence. */
    private static void dataLines(byte[] data, FrameBuffer out) {
        int start = 0;
        int i = 0;
        while (i < data.length) {
            byte b = data[i];
            if (b == CR || b == LF) {
                line(data, start, i, out);
                i += b == CR && i + 1 < data.length && data[i + 1] == LF ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        line(data, start, data.length, out);
    }

    private static void line(byte[] data, int from, int to, FrameBuffer out) {
        out.write(DATA);
        out.write(data, from, to - from);
        out.write(LF);
    }

    private static byte[] fieldValue(String text) {
        return text.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
    }
}
