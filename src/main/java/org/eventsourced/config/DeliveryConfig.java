package org.eventsourced.config;

import java.time.Duration;

/**
 * The {@code delivery} section: when written messages are acked.
 *
 * @param ackDelay  a written message is acked once it is this old (zero = at once)
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
