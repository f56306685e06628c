package org.eventsourced.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code server} section.
 *
 * @param host            address to bind, e.g. {@code 0.0.0.0}
 * @param port            TCP port; 0 picks a free one (tests)
 * @param heartbeat       time between keep-alive comments on an idle stream; zero = off
 * @param retry           reconnect delay sent to clients in {@code retry:} (jittered per stream)
 * @param shutdownTimeout bound on the graceful drain at SIGTERM
 * @param writeTimeout    a write that makes no progress this long ends the stream
 */
public record ServerConfig(
        String host,
        int port,
        Duration heartbeat,
        Duration retry,
        Duration shutdownTimeout,
        Duration writeTimeout) {

    public ServerConfig {
        Objects.requireNonNull(host);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        requireNotNegative(heartbeat, "heartbeat");
        requireNotNegative(retry, "retry");
        requireNotNegative(shutdownTimeout, "shutdown_timeout");
        requireNotNegative(writeTimeout, "write_timeout");
    }

    static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    /** Host and port as written in the config, e.g. {@code 0.0.0.0:2069}. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
