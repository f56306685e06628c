package org.eventsourced.sse;

/** What can be written to an event stream. */
public sealed interface SseFrame {

    /**
     * One message. {@code id} and {@code type} are written only when present and free of
     * CR, LF and NUL (a parser would split or drop them).
     */
    record Event(String id, String type, byte[] data) implements SseFrame {
    }

    /** A comment line: keeps proxies and the client's connection alive, fires nothing. */
    record Comment(String text) implements SseFrame {
    }

    /** The client's reconnect delay in milliseconds. */
    record Retry(long millis) implements SseFrame {
    }

    /** A bare {@code id:} field: sets the client's last event id without firing an event. */
    record LastEventId(String id) implements SseFrame {
    }
}
