package org.eventsourced.broker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues this instance streams right now. A second request for one of them is refused
 * here without a broker round trip; across instances the broker decides (exclusive consumer,
 * or {@link QueueLock} for quorum queues).
 */
final class QueueClaims {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    boolean claim(String queue) {
        return held.add(queue);
    }

    void release(String queue) {
        held.remove(queue);
    }
}
