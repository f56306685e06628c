package org.eventsourced.sse;

import java.util.ArrayDeque;

/**
 * The one place that decides when written messages are acked.
 *
 * <p>A written message stays unacked, so it returns to the queue if the stream ends, until
 * it is older than {@code ackDelay} or more than {@code ackWindow} written messages wait;
 * then it is acked with {@code multiple=true}. With a zero delay everything written is
 * acked at once. Relies on delivery tags being consecutive on the stream's channel (one
 * consumer per channel). Not thread-safe: used by its stream's thread only.
 */
final class AckPolicy {
    private record Written(long lastTag, long atNanos) {
    }

    private final long delayNanos;
    private final int window;
    private final int step;
    private final ArrayDeque<Written> written = new ArrayDeque<>();
    private long lastWritten;
    private long lastAcked;

    /**
     * @param prefetch the consumer's QoS window: acks past the ack window go out in steps of up
     *                 to an eighth of the window (one ack per flush would cost a broker round trip
     *                 per message on a busy stream), always small enough that the broker never
     *                 runs out of prefetch credit
     */
    AckPolicy(java.time.Duration ackDelay, int ackWindow, int prefetch) {
        this.delayNanos = ackDelay.toNanos();
        this.window = ackWindow;
        this.step = Math.max(1, Math.min(ackWindow / 8, (prefetch - ackWindow) / 2));
    }

    /** Messages up to {@code lastTag} reached the client's socket at {@code nowNanos}. */
    void written(long lastTag, long nowNanos) {
        lastWritten = Math.max(lastWritten, lastTag);
        if (delayNanos > 0) {
            written.add(new Written(lastTag, nowNanos));
        }
    }

    /** Messages up to {@code tag} were acked without being written (duplicates on resume). */
    void skippedThrough(long tag) {
        lastWritten = Math.max(lastWritten, tag);
        lastAcked = Math.max(lastAcked, tag);
    }

    /** The tag to ack now with {@code multiple=true}, or 0 when nothing is due. */
    long due(long nowNanos) {
        long to = lastAcked;
        if (delayNanos == 0) {
            to = lastWritten;
        } else if (lastWritten - window - lastAcked >= step) {
            to = lastWritten - window;
        }
        while (!written.isEmpty()
                && (written.peek().lastTag() <= to || nowNanos - written.peek().atNanos() >= delayNanos)) {
            to = Math.max(to, written.poll().lastTag());
        }
        if (to <= lastAcked) {
            return 0;
        }
        lastAcked = to;
        return to;
    }

    /** The highest tag acked so far. */
    long lastAcked() {
        return lastAcked;
    }

    /** When the oldest unacked written message falls due, or {@code Long.MAX_VALUE}. */
    long nextDeadline() {
        return written.isEmpty() ? Long.MAX_VALUE : written.peek().atNanos() + delayNanos;
    }
}
