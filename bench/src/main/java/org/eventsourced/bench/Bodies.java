package org.eventsourced.bench;

import java.nio.charset.StandardCharsets;

/**
 * The message text every route carries: {@code "<System.nanoTime() at publish> <stream>.<seq> "} padded with 'x'
 * to {@code size} bytes, and with {@code tricky} a multi-line UTF-8 tail whose lines look like SSE fields. Readers
 * rebuild the expected text from the first two tokens and compare it whole, so a changed byte counts as corrupt.
 *
 * @param size   minimum body size in bytes (before the tricky tail)
 * @param tricky append {@link #TAIL}
 */
record Bodies(int size, boolean tricky) {
    /** No CR: an SSE client can only ever see a CR as LF. */
    static final String TAIL = "\n\ndata: not a field\n: not a comment\nid: not an id\n  spaces kept  \n"
            + "caf\u00e9 \u20ac \uD83D\uDE00\nlast line without newline";

    Bodies {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive");
        }
    }

    String text(long publishNanos, String id) {
        StringBuilder sb = new StringBuilder(Math.max(size, 48) + (tricky ? TAIL.length() : 0));
        sb.append(publishNanos).append(' ').append(id).append(' ');
        while (sb.length() < size) {
            sb.append('x');
        }
        if (tricky) {
            sb.append(TAIL);
        }
        return sb.toString();
    }

    byte[] of(long publishNanos, String id) {
        return text(publishNanos, id).getBytes(StandardCharsets.UTF_8);
    }
}
