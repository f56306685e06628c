package org.eventsourced.http;

import com.sun.net.httpserver.Headers;
import java.util.Map;

/** Adds the configured CORS headers to every response, errors included. */
final class Cors {
    private final Map<String, String> headers;

    Cors(Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
    }

    void apply(Headers response) {
        headers.forEach(response::set);
    }
}
