package org.eventsourced.config;

import java.time.Duration;

/**
 * The {@code delivery} section: when written messages are acked.
 *
 * @param ackDelay  a written message is acked no sooner than this (zero = at once; see AckPolicy)
 * @param ackWindow ... or once more than this many written messages wait for their ack
 */
public record DeliveryConfig(Duration ackDelay, int ackWindow) {
    public DeliveryConfig {
        ServerConfig.requireNotNegative(ackDelay, "ack_delay");
        if (ackWindow < 0) {
            throw new IllegalArgumentException("ack_window must not be negative");
        }
    }
}
