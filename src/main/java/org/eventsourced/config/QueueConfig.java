package org.eventsourced.config;

import java.time.Duration;
import java.util.Objects;
import org.eventsourced.naming.QueueNamePattern;

/**
 * The {@code queue} section.
 *
 * @param pattern  how a request names its queue
 * @param expire   {@code x-expires}: an unused queue is deleted after this long
 * @param prefetch unacked deliveries per stream (the broker's QoS window)
 * @param type     classic or quorum
 * @param takeover whether a reconnect with Last-Event-ID may replace the stream holding its queue
 */
public record QueueConfig(
        QueueNamePattern pattern,
        Duration expire,
        int prefetch,
        QueueType type,
        Takeover takeover) {

    public QueueConfig {
        Objects.requireNonNull(pattern);
        Objects.requireNonNull(type);
        Objects.requireNonNull(takeover);
        if (expire.toMillis() < 1 || expire.toMillis() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("expire must be 1 s .. 4294967 s");
        }
        if (prefetch < 1 || prefetch > 65535) {
            throw new IllegalArgumentException("prefetch must be 1..65535");
        }
    }

    public enum QueueType { CLASSIC, QUORUM }

    public enum Takeover { RECONNECT, NEVER }
}
