package org.eventsourced.broker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter for reconnect attempts. The cap is short so a broker
 * that comes back is in use again within about 1.5 s. Not thread-safe.
 */
final class Backoff {
    private static final long FIRST_MILLIS = 100;
    private static final long CAP_MILLIS = 1_500;
    private long ceiling = FIRST_MILLIS;

    Duration next() {
        long wait = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        ceiling = Math.min(CAP_MILLIS, ceiling * 2);
        return Duration.ofMillis(wait);
    }

    void reset() {
        ceiling = FIRST_MILLIS;
    }
}
