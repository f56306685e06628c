package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Short non-stream responses: errors with a reason, small JSON documents. */
final class Responses {
    private static final System.Logger LOG = System.getLogger(Responses.class.getName());

    private Responses() {
    }

    /**
     * Answers with {@code status}, the reason in {@code X-Status-Reason} and as a short text
     * body, and logs it once. The reason is reduced to printable ASCII first, so nothing a
     * client sent can inject a header or forge a log line.
     */
    static void reject(HttpExchange exchange, int status, String reason) throws IOException {
        String safe = printableAscii(reason);
        LOG.log(System.Logger.Level.INFO, status + " " + exchange.getRequestMethod() + " "
                + exchange.getRequestURI().getRawPath() + " from " + remote(exchange) + ": " + safe);
        exchange.getResponseHeaders().set("X-Status-Reason", safe);
        send(exchange, status, "text/plain; charset=utf-8", safe + "\n");
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean noBody = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static String remote(HttpExchange exchange) {
        return exchange.getRemoteAddress() == null ? "?" : exchange.getRemoteAddress().toString();
    }

    /** Keeps printable ASCII; everything else becomes {@code ?}. */
    static String printableAscii(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
