package org.eventsourced.broker;

import java.time.Duration;
import org.eventsourced.config.QueueConfig;

/**
 * How client queues are declared and consumed.
 *
 * @param expire   {@code x-expires}
 * @param prefetch the consumer's QoS window
 * @param quorum   declare quorum queues instead of classic ones
 */
public record QueueOptions(Duration expire, int prefetch, boolean quorum) {
    public static QueueOptions of(QueueConfig queue) {
        return new QueueOptions(queue.expire(), queue.prefetch(), queue.type() == QueueConfig.QueueType.QUORUM);
    }
}
