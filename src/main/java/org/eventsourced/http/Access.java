package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import org.eventsourced.auth.AccessTokens;
import org.eventsourced.config.AuthConfig;
import org.eventsourced.metrics.Metrics;

/** Admits a stream request when tokens are off, or when it carries a valid token for its queue. */
final class Access {
    /** Returned by {@link #admit} when the request was answered with 401/403. */
    static final long REFUSED = Long.MIN_VALUE;

    private final AuthConfig config;
    private final AccessTokens tokens;
    private final Metrics metrics;

    Access(AuthConfig config, Metrics metrics) {
        this.config = config;
        this.tokens = config.enabled() ? AccessTokens.of(config.secrets()) : null;
        this.metrics = metrics;
    }

    /**
     * @return when the stream must end (nanoTime scale; {@code Long.MAX_VALUE} without tokens),
     *         or {@link #REFUSED} after answering the client
     */
    long admit(HttpExchange exchange, String queue, RequestValues values) throws IOException {
        if (tokens == null) {
            return Long.MAX_VALUE;
        }
        String token = token(values);
        long now = System.currentTimeMillis() / 1000;
        return switch (tokens.check(queue, token, now)) {
            case AccessTokens.Verdict.Valid valid ->
                System.nanoTime() + (valid.expiresEpochSecond() * 1000 - System.currentTimeMillis()) * 1_000_000L;
            case AccessTokens.Verdict.Refused refused -> {
                metrics.rejectedBadRequest();
                if (refused.status() == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Token");
                }
                Responses.reject(exchange, refused.status(), refused.reason());
                yield REFUSED;
            }
        };
    }

    private String token(RequestValues values) {
        String query = values.query().get(config.queryParameter());
        return query != null && !query.isEmpty() ? query : values.cookies().get(config.cookie());
    }
}
