package org.eventsourced.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Subscriptions opened together (streams or AMQP consumers), how opening went, and how to close them. */
final class Batch {
    /** Closes some members of a batch; may wait for readers to end. */
    interface Closer {
        void close() throws InterruptedException;
    }

    private final List<Closer> members = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private final List<Long> openNanos = new ArrayList<>();
    private long elapsedNanos;
    private java.util.function.Function<String, String> describer = q -> q;
    private boolean closed;

    void add(Closer member) {
        members.add(member);
    }

    void opened(long nanos) {
        openNanos.add(nanos);
    }

    void failed(String why) {
        failures.merge(why, 1, Integer::sum);
    }

    /** How {@link #describe} tells about one queue's reader. */
    void describer(java.util.function.Function<String, String> d) {
        describer = d;
    }

    /** Diagnostics for the reader of {@code queue}. */
    String describe(String queue) {
        return describer.apply(queue);
    }

    void elapsed(long nanos) {
        elapsedNanos = nanos;
    }

    int ok() {
        return openNanos.size();
    }

    int failedCount() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> failures() {
        return failures;
    }

    long elapsedNanos() {
        return elapsedNanos;
    }

    long[] openNanos() {
        return openNanos.stream().mapToLong(Long::longValue).toArray();
    }

    /** Idempotent. */
    void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        for (Closer m : members) {
            m.close();
        }
    }
}
