package org.eventsourced.config;

import java.time.Duration;

/**
 * The {@code limits} section: what one client may cost the server.
 *
 * @param maxStreams  concurrent streams per instance; 0 = sized from the file-descriptor limit
 * @param headerBytes request head size (request line and headers)
 * @param headerCount request headers
 * @param headTimeout time a client has to send its request head
 * @param queryBytes  raw query string length
 * @param cookieBytes Cookie header length
 */
public record LimitsConfig(int maxStreams, int headerBytes, int headerCount, Duration headTimeout,
        int queryBytes, int cookieBytes) {

    public LimitsConfig {
        if (maxStreams < 0 || headerBytes < 1 || headerCount < 1 || queryBytes < 1 || cookieBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        ServerConfig.requireNotNegative(headTimeout, "head_timeout");
    }
}
