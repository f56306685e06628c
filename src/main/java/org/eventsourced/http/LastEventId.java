package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;

/** Where a reconnecting client says what it has: the header, or a query parameter. */
final class LastEventId {
    private LastEventId() {
    }

    /** The client's last event id, or null when it sent none (a fresh open). */
    static String of(HttpExchange exchange, RequestValues values) {
        String header = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        if (header != null && !header.isEmpty()) {
            // the JDK reads header bytes as ISO-8859-1; EventSource sends the id as UTF-8
            return new String(header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        String query = values.query().get("lastEventId");
        return query == null || query.isEmpty() ? null : query;
    }
}
