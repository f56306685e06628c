package org.eventsourced.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events per wall-clock second and reports the last complete second, like the
 * original's {@code Delivery} figure. Two slots, indexed by the parity of the second.
 */
final class PerSecond {
    private final AtomicLongArray counts = new AtomicLongArray(2);
    private final AtomicLongArray seconds = new AtomicLongArray(2);

    void add(long n) {
        long second = nowSecond();
        int slot = (int) (second & 1);
        if (seconds.get(slot) != second) {
            long seen = seconds.get(slot);
            if (seen != second && seconds.compareAndSet(slot, seen, second)) {
                counts.set(slot, 0);
            }
        }
        counts.addAndGet(slot, n);
    }

    /** Events in the last complete second. */
    long lastSecond() {
        long previous = nowSecond() - 1;
        int slot = (int) (previous & 1);
        return seconds.get(slot) == previous ? counts.get(slot) : 0;
    }

    private long nowSecond() {
        return System.currentTimeMillis() / 1000;
    }
}
