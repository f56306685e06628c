package org.eventsourced.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code auth} section: signed access tokens, off unless a secret is set.
 *
 * @param secrets        HMAC secrets; the first signs nothing (the backend signs), any of them
 *                       verifies, so a new secret can be rolled out before the old one is dropped
 * @param queryParameter the query parameter that carries the token
 * @param cookie         the cookie that carries the token when the query has none
 */
public record AuthConfig(List<String> secrets, String queryParameter, String cookie) {
    public AuthConfig {
        secrets = List.copyOf(secrets);
        Objects.requireNonNull(queryParameter);
        Objects.requireNonNull(cookie);
        if (secrets.size() > 2) {
            throw new IllegalArgumentException("at most two secrets (the current and the previous one)");
        }
    }

    public boolean enabled() {
        return !secrets.isEmpty();
    }

    /** Never the secrets themselves. */
    @Override
    public String toString() {
        return "AuthConfig[secrets=" + secrets.size() + ", query=" + queryParameter + ", cookie=" + cookie + "]";
    }
}
