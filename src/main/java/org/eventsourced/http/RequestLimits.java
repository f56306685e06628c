package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eventsourced.config.LimitsConfig;
import org.eventsourced.metrics.Metrics;

/**
 * What a request may cost before it gets anywhere: header count and size (431), query
 * length (414), cookie length (431). The time to send the head is enforced by the JDK
 * server itself (see {@link HttpFront}).
 */
final class RequestLimits {
    private final LimitsConfig limits;
    private final Metrics metrics;

    RequestLimits(LimitsConfig limits, Metrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    /** Answers and returns false when the request is over a limit. */
    boolean admit(HttpExchange exchange) throws IOException {
        String problem = problem(exchange);
        if (problem == null) {
            return true;
        }
        metrics.rejectedLimit();
        Responses.reject(exchange, problem.startsWith("query") ? 414 : 431, problem);
        return false;
    }

    private String problem(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.length() > limits.queryBytes()) {
            return "query longer than " + limits.queryBytes() + " bytes";
        }
        int count = 0;
        long bytes = exchange.getRequestURI().getRawPath().length() + (query == null ? 0 : query.length());
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                count++;
                bytes += header.getKey().length() + value.length() + 4;
            }
        }
        if (count > limits.headerCount()) {
            return "more than " + limits.headerCount() + " request headers";
        }
        if (bytes > limits.headerBytes()) {
            return "request head larger than " + limits.headerBytes() + " bytes";
        }
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        if (cookies != null && cookies.stream().mapToInt(String::length).sum() > limits.cookieBytes()) {
            return "cookies longer than " + limits.cookieBytes() + " bytes";
        }
        return null;
    }
}
