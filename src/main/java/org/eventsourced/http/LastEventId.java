package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;

/** Where a reconnecting client says what it has: the header, or a query parameter. */
final class LastEventId {
    private LastEventId() {
    }

    /** The client's last event id, or null when it sent none (a fresh open). */
    static String of(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        if (header != null && !header.isEmpty()) {
            return header;
        }
        try {
            String query = RequestValues.query(exchange.getRequestURI().getRawQuery()).get("lastEventId");
            return query == null || query.isEmpty() ? null : query;
        } catch (RequestValues.MalformedException e) {
            return null;
        }
    }
}
