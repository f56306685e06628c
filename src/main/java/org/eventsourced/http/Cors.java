package org.eventsourced.http;

import com.sun.net.httpserver.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CORS headers on every response, errors included. {@code Access-Control-Allow-Origin} in
 * {@code header.cors} is either {@code *} (anyone, no credentials) or an allow-list of
 * origins: an allowed request origin is echoed with {@code Access-Control-Allow-Credentials:
 * true}, so browsers send cookies; other origins get no CORS headers at all, and a 403.
 */
final class Cors {
    private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";

    private final Map<String, String> headers;
    private final Set<String> allowedOrigins;

    Cors(Map<String, String> configured) {
        Map<String, String> rest = new LinkedHashMap<>();
        String origin = null;
        for (Map.Entry<String, String> h : configured.entrySet()) {
            if (h.getKey().equalsIgnoreCase(ALLOW_ORIGIN)) {
                origin = h.getValue().trim();
            } else {
                rest.put(h.getKey(), h.getValue());
            }
        }
        this.allowedOrigins = origin == null || origin.equals("*") ? null : Set.copyOf(List.of(origin.split("[\\s,]+")));
        if (origin != null && allowedOrigins == null) {
            rest.put(ALLOW_ORIGIN, "*");
        }
        this.headers = Map.copyOf(rest);
    }

    /**
     * False for a browser request from an origin not on the allow-list: the browser would hide
     * the answer from the page, but a stream would still consume and ack the user's messages,
     * so such a request must not get one. Requests without Origin (non-browser) pass.
     */
    boolean allows(Headers request) {
        String origin = request.getFirst("Origin");
        return allowedOrigins == null || origin == null || allowedOrigins.contains(origin);
    }

    void apply(Headers request, Headers response) {
        if (allowedOrigins == null) {
            headers.forEach(response::set);
            return;
        }
        response.add("Vary", "Origin");
        String origin = request.getFirst("Origin");
        if (origin != null && allowedOrigins.contains(origin)) {
            headers.forEach(response::set);
            response.set(ALLOW_ORIGIN, origin);
            response.set("Access-Control-Allow-Credentials", "true");
        }
    }
}
