package org.eventsourced.sse;

import java.util.ArrayDeque;

/**
 * The one place that decides when written messages are acked.
 *
 * <p>A written message stays unacked, so it returns to the queue if the stream ends, until
 * it is at least {@code ackDelay} old or more than {@code ackWindow} written messages wait;
 * then it is acked with {@code multiple=true}. Acks by age wait until the oldest unacked
 * message is half a delay past due and then take everything older than the delay: a stream
 * that gets a message every 100 ms acks every 1.5 s (3 s delay) instead of after each write,
 * which would cost the broker an ack and the stream a wake-up per message. So a message is
 * acked when it is between one and one and a half delays old. With a zero delay everything
 * written is acked at once. Relies on delivery tags being consecutive on the stream's
 * channel (one consumer per channel). Not thread-safe: used by its stream's thread only.
 */
final class AckPolicy {
    private record Written(long lastTag, long atNanos) {
    }

    private final long delayNanos;
    /** How long past its delay the oldest unacked message may wait, so younger ones join its ack. */
    private final long slackNanos;
    private final int window;
    private final int step;
    private final ArrayDeque<Written> written = new ArrayDeque<>();
    private long lastWritten;
    private long lastAcked;

    /**
     * @param prefetch the consumer's QoS window: acks past the ack window go out in steps of half
     *                 the window (the baseline client acks every half window too; one ack per flush
     *                 would cost a broker round trip per message on a busy stream, and steps of an
     *                 eighth cost the server 1-2 us per message on a slow VM, see bench/HISTORY.md),
     *                 or of half what the prefetch leaves beyond the window if that is less, so that
     *                 the broker never runs out of credit before the ack reaches it
     */
    AckPolicy(java.time.Duration ackDelay, int ackWindow, int prefetch) {
        this.delayNanos = ackDelay.toNanos();
        this.slackNanos = delayNanos / 2;
        this.window = ackWindow;
        this.step = Math.max(1, Math.min(ackWindow / 2, (prefetch - ackWindow) / 2));
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
        boolean oldestOverdue = !written.isEmpty() && nowNanos - nextDeadline() >= 0;
        while (!written.isEmpty() && (written.peek().lastTag() <= to
                || oldestOverdue && nowNanos - written.peek().atNanos() >= delayNanos)) {
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

    /** When the acks by age are next due, or {@code Long.MAX_VALUE}. */
    long nextDeadline() {
        return written.isEmpty() ? Long.MAX_VALUE : written.peek().atNanos() + delayNanos + slackNanos;
    }
}
