package org.eventsourced.sse;

import java.util.ArrayList;
import java.util.List;
import org.eventsourced.broker.Handoff.Delivery;

/**
 * Skips what a reconnecting client already has. The messages the broker redelivers first
 * are held and compared by {@code message-id} with the client's Last-Event-ID: those up to
 * and including it are dropped (and acked), the rest are written. If the id is not among
 * them, all are written (at-least-once). Not thread-safe: one per stream.
 */
final class Resume {
    private final String lastEventId;
    private final int limit;
    private final List<Delivery> held = new ArrayList<>();
    private boolean holding;
    private long skippedThrough;
    private int skippedCount;

    /**
     * @param lastEventId the id the client sent, or null for a fresh stream
     * @param limit       how many deliveries can be redelivered at most (ready at start, capped
     *                    by the prefetch window): past that the id cannot be among them
     */
    Resume(String lastEventId, int limit) {
        this.lastEventId = lastEventId;
        this.limit = limit;
        this.holding = lastEventId != null && limit > 0;
    }

    boolean holding() {
        return holding;
    }

    /** Feeds one delivery; appends to {@code out} whatever is to be written now. */
    void accept(Delivery d, List<Delivery> out) {
        if (!holding) {
            out.add(d);
            return;
        }
        if (!d.redelivered()) {
            release(out);
            out.add(d);
            return;
        }
        held.add(d);
        if (lastEventId.equals(d.messageId())) {
            skippedThrough = d.tag();
            skippedCount = held.size();
            held.clear();
            holding = false;
        } else if (held.size() >= limit) {
            release(out);
        }
    }

    /** Gives up holding (nothing more came in time): everything held is written. */
    void release(List<Delivery> out) {
        out.addAll(held);
        held.clear();
        holding = false;
    }

    /** The highest tag dropped as a duplicate, or 0; reset by reading it. */
    long takeSkippedThrough() {
        long tag = skippedThrough;
        skippedThrough = 0;
        return tag;
    }

    int skippedCount() {
        return skippedCount;
    }
}
