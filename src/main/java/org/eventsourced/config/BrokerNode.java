package org.eventsourced.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One AMQP URL from {@code broker.node}, e.g. {@code amqp://user:pass@host:5672/vhost}.
 * {@link #toString()} never shows the password.
 */
public record BrokerNode(URI uri) {
    public BrokerNode {
        Objects.requireNonNull(uri);
        String scheme = uri.getScheme();
        if (!"amqp".equals(scheme) && !"amqps".equals(scheme)) {
            throw new IllegalArgumentException("broker URL must start with amqp:// or amqps://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("broker URL has no host");
        }
    }

    /** Parses a URL as written in the config. */
    public static BrokerNode of(String url) {
        try {
            return new BrokerNode(new URI(url.trim()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("unparsable broker URL: " + e.getReason(), e);
        }
    }

    public boolean tls() {
        return "amqps".equals(uri.getScheme());
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : tls() ? 5671 : 5672;
    }

    public String username() {
        return userInfoPart(0, "guest");
    }

    public String password() {
        return userInfoPart(1, "guest");
    }

    /** The virtual host; {@code /} when the URL has no path or just {@code /}. */
    public String virtualHost() {
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            return "/";
        }
        return percentDecode(path.substring(1));
    }

    private String userInfoPart(int index, String fallback) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return fallback;
        }
        String[] parts = info.split(":", 2);
        // no password in the URL: amqp-client's default, as the AMQP URI spec says
        return index < parts.length ? percentDecode(parts[index]) : fallback;
    }

    /** RFC 3986 decoding: unlike form data, a {@code +} stays a plus. */
    private static String percentDecode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL with its password replaced by {@code ****}: the only form that is ever logged. */
    public String masked() {
        String info = uri.getRawUserInfo();
        String shown = info == null ? "" : info.split(":", 2)[0] + (info.contains(":") ? ":****" : "") + "@";
        String port = uri.getPort() >= 0 ? ":" + uri.getPort() : "";
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + shown + uri.getHost() + port + path;
    }

    @Override
    public String toString() {
        return masked();
    }
}
