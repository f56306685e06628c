package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import org.eventsourced.metrics.Metrics;

/**
 * The single handler behind every path: CORS and method checks, then {@code /debug/vars},
 * {@code /healthz} or a stream. Catches and logs whatever escapes, since the JDK server
 * would swallow it.
 */
final class Router implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final Cors cors;
    private final StreamHandler streams;
    private final StatusHandler status;
    private final Metrics metrics;
    private final RequestLimits limits;

    Router(Cors cors, RequestLimits limits, StreamHandler streams, StatusHandler status, Metrics metrics) {
        this.cors = cors;
        this.limits = limits;
        this.streams = streams;
        this.status = status;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            route(exchange);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client " + Responses.remote(exchange) + " went away: " + e);
        } catch (RuntimeException | Error e) {
            metrics.error();
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.getRequestURI().getRawPath() + " failed", e);
            try {
                Responses.reject(exchange, 500, "internal error");
            } catch (IOException | RuntimeException ignored) {
                // headers may be out already; the connection is closed below
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        cors.apply(exchange.getRequestHeaders(), exchange.getResponseHeaders());
        if (!cors.allows(exchange.getRequestHeaders())) {
            metrics.rejectedBadRequest();
            Responses.reject(exchange, 403, "origin not allowed");
            return;
        }
        if (!limits.admit(exchange)) {
            return;
        }
        String method = exchange.getRequestMethod();
        if (method.equals("OPTIONS")) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        if (!method.equals("GET")) {
            metrics.rejectedBadRequest();
            exchange.getResponseHeaders().set("Allow", "GET, OPTIONS");
            Responses.reject(exchange, 405, "method not allowed");
            return;
        }
        switch (exchange.getRequestURI().getRawPath()) {
            case "/debug/vars" -> status.debugVars(exchange);
            case "/healthz" -> status.health(exchange);
            default -> streams.handle(exchange);
        }
    }
}
