package org.eventsourced.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.eventsourced.broker.Handoff;
import org.eventsourced.broker.Handoff.Delivery;
import org.eventsourced.broker.Subscription;
import org.eventsourced.metrics.Metrics;

/**
 * The stream loop, run on the request's own virtual thread: take what the consumer handed
 * over, write every available frame, flush once (per 4 KB), then ack what {@link AckPolicy} says is due.
 * Nothing is acked before it was written and flushed. The loop waits on the hand-off queue
 * without a timeout; its deadlines come as {@link Handoff.Tick}s from {@link WakeUps}.
 */
public final class EventStream {
    private static final long HOLD_NANOS = 1_000_000_000L;
    /**
     * Writes on a busy stream are at least this far apart; an idle stream writes at once. 1 ms
     * instead of 0.2 ms: server CPU per message of a flood 11-12 -> 8-9 us (bench, queued
     * stream), for at most 1 ms more latency on the second of two messages that follow closely.
     */
    private static final long COALESCE_NANOS = 1_000_000L;
    private static final long REPLACED_RETRY_MILLIS = 500;
    /**
     * A heartbeat is followed this much later by a second comment line, unless something else
     * was written meanwhile. The server never reads the socket, so a client that closed it is
     * noticed only by a failing write: the first write after the close succeeds and draws a
     * reset from the client's side, the next one fails. Without the probe that next write would
     * be the following heartbeat. 100 ms is well above the round trip to a proxy or a client on
     * the same network; a slower client is noticed a heartbeat later, as before.
     */
    private static final long PROBE_NANOS = 100_000_000L;
    /**
     * The most written and flushed at once. The JDK server's socket writer starts with a 4 KB
     * buffer and swaps it, for the rest of the connection, for one twice the size of any larger
     * write; its buffered stream grows likewise up to 8 KB. A flush of at most this much goes out
     * as one HTTP chunk of at most 4,096 bytes with its framing (3 hex digits, two CRLFs), so a
     * stream that once carried a burst idles on ~4 KB of those buffers again instead of ~20 KB.
     * A piece more per 4 KB costs a write call, not a copy.
     */
    static final int MAX_FLUSH_BYTES = 4089;
    /** A stream younger than this cannot be taken over, so two live tabs cannot swap forever. */
    public static final long TAKEOVER_MIN_AGE_NANOS = 2_000_000_000L;

    private final Subscription subscription;
    private final StreamWakeUp wakeUp;
    private final OutputStream out;
    private final StreamSettings settings;
    private final Metrics metrics;
    private final AckPolicy acks;
    private final Resume resume;
    private final String firstId;
    private final long startedNanos = System.nanoTime();
    private final long expiresAtNanos;
    private volatile long writingSinceNanos;
    private long lastFlushNanos;
    private long probeAt = Long.MAX_VALUE;
    private volatile boolean writeTimedOut;
    private volatile Thread thread;

    /**
     * @param lastEventId the client's Last-Event-ID, or null on a fresh open
     * @param firstId     the bare id the stream starts with (the client's id on a resume)
     * @param expiresAtNanos when the client's access token expires ({@code Long.MAX_VALUE}: never)
     */
    public EventStream(Subscription subscription, WakeUps wakeUps, OutputStream out, StreamSettings settings,
            Metrics metrics, String lastEventId, String firstId, long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
        this.subscription = subscription;
        this.wakeUp = new StreamWakeUp(wakeUps, subscription);
        this.out = out;
        this.settings = settings;
        this.metrics = metrics;
        this.acks = new AckPolicy(settings.ackDelay(), settings.ackWindow(), settings.prefetch());
        this.resume = new Resume(lastEventId, Math.min(subscription.readyAtStart(), settings.prefetch()));
        this.firstId = firstId;
    }

    public String queue() {
        return subscription.queue();
    }

    public long ageNanos() {
        return System.nanoTime() - startedNanos;
    }

    /** Asks the stream to end; safe from any thread. */
    public void end(Handoff.End reason) {
        subscription.end(reason);
    }

    /**
     * Runs until the client goes away or the server ends the stream.
     *
     * @return why it ended
     */
    public Outcome run() {
        thread = Thread.currentThread();
        try {
            FrameBuffer buffer = new FrameBuffer(256);
            SseEncoder.encode(new SseFrame.Comment("ok"), buffer);
            SseEncoder.encode(new SseFrame.Retry(jittered(settings.retry().toMillis())), buffer);
            SseEncoder.encode(new SseFrame.LastEventId(firstId), buffer);
            flush(buffer);
            return loop();
        } catch (IOException e) {
            return writeTimedOut ? Outcome.WRITE_TIMEOUT : Outcome.CLIENT_GONE;
        } catch (InterruptedException e) {
            return writeTimedOut ? Outcome.WRITE_TIMEOUT : Outcome.CLIENT_GONE;
        } finally {
            // an interrupt from the write watchdog must not leak into the channel close
            Thread.interrupted();
            wakeUp.cancel();
        }
    }

    private Outcome loop() throws IOException, InterruptedException {
        long heartbeatNanos = settings.heartbeat().toNanos();
        long nextHeartbeat = heartbeatNanos > 0 ? System.nanoTime() + heartbeatNanos : Long.MAX_VALUE;
        long holdUntil = resume.holding() ? System.nanoTime() + HOLD_NANOS : Long.MAX_VALUE;
        List<Handoff> batch = new ArrayList<>();
        List<Delivery> toWrite = new ArrayList<>();
        while (true) {
            long now = System.nanoTime();
            long deadline = Math.min(Math.min(Math.min(nextHeartbeat, probeAt), acks.nextDeadline()),
                    Math.min(holdUntil, expiresAtNanos));
            Handoff first;
            if (deadline - now <= 0) {
                first = subscription.poll();
            } else {
                wakeUp.armBy(deadline);
                first = subscription.take();
            }
            now = System.nanoTime();
            if (first != null) {
                if (now - lastFlushNanos < COALESCE_NANOS) {
                    // a busy stream: let the rest of the interval's messages join this write, so a
                    // flood costs one write per interval instead of one per message
                    LockSupport.parkNanos(lastFlushNanos + COALESCE_NANOS - now);
                    now = System.nanoTime();
                }
                batch.add(first);
                subscription.drainTo(batch);
            }
            Handoff.End end = sortBatch(batch, toWrite);
            batch.clear();
            if (resume.holding() && (now >= holdUntil || end != null)) {
                resume.release(toWrite);
            }
            if (!resume.holding()) {
                holdUntil = Long.MAX_VALUE;
            }
            ackSkipped();
            if (!toWrite.isEmpty()) {
                writeMessages(toWrite, now);
                toWrite.clear();
                nextHeartbeat = heartbeatNanos > 0 ? now + heartbeatNanos : Long.MAX_VALUE;
            } else if (now >= nextHeartbeat) {
                heartbeat();
                nextHeartbeat = now + heartbeatNanos;
                probeAt = now + PROBE_NANOS;
            } else if (now >= probeAt) {
                probe();
            }
            ackDue(now);
            if (end == null && now - expiresAtNanos >= 0) {
                end = new Handoff.End(Handoff.Reason.EXPIRED, "access token expired");
            }
            if (end != null) {
                farewell(end);
                return Outcome.of(end.reason());
            }
        }
    }

    /** Passes deliveries through the resume filter; returns the end marker if one came. */
    private Handoff.End sortBatch(List<Handoff> batch, List<Delivery> toWrite) {
        for (Handoff h : batch) {
            switch (h) {
                case Delivery d -> resume.accept(d, toWrite);
                case Handoff.Tick tick -> wakeUp.taken(tick);
                case Handoff.End e -> {
                    return e;
                }
            }
        }
        return null;
    }

    private void ackSkipped() throws IOException {
        long skipped = resume.takeSkippedThrough();
        if (skipped > 0) {
            subscription.ack(skipped);
            acks.skippedThrough(skipped);
            metrics.resumed();
            metrics.skippedDuplicates(resume.skippedCount());
        }
    }

    private void writeMessages(List<Delivery> deliveries, long now) throws IOException {
        int estimate = 0;
        for (Delivery d : deliveries) {
            estimate += SseEncoder.sizeOfEvent(d.messageId(), d.type(), d.body());
        }
        FrameBuffer buffer = new FrameBuffer(estimate + 64);
        for (Delivery d : deliveries) {
            if (SseEncoder.encode(new SseFrame.Event(d.messageId(), d.type(), d.body()), buffer)) {
                metrics.invalidUtf8();
            }
        }
        int bytes = buffer.size();
        flush(buffer);
        probeAt = Long.MAX_VALUE; // this write was the probe
        acks.written(deliveries.get(deliveries.size() - 1).tag(), now);
        metrics.delivered(deliveries.size(), bytes);
    }

    private void heartbeat() throws IOException {
        metrics.heartbeat(); // counted when tried: the one that finds the client gone counts too
        writeEmptyComment();
    }

    /** The write after a heartbeat that reports a client gone since (see PROBE_NANOS). */
    private void probe() throws IOException {
        probeAt = Long.MAX_VALUE;
        writeEmptyComment();
    }

    private void writeEmptyComment() throws IOException {
        FrameBuffer buffer = new FrameBuffer(8);
        SseEncoder.encode(new SseFrame.Comment(""), buffer);
        flush(buffer);
    }

    private void ackDue(long now) throws IOException {
        long before = acks.lastAcked();
        long tag = acks.due(now);
        if (tag > 0) {
            subscription.ack(tag);
            metrics.acked(tag - before);
        }
    }

    /** Last words to the client, best effort: the stream ends either way. */
    private void farewell(Handoff.End end) throws IOException {
        FrameBuffer buffer = new FrameBuffer(128);
        switch (end.reason()) {
            case SHUTDOWN, BROKER_LOST -> SseEncoder.encode(
                    new SseFrame.Retry(jittered(settings.retry().toMillis())), buffer);
            case REPLACED -> {
                SseEncoder.encode(new SseFrame.Event(null, "eventsourced-replaced",
                        "this stream was taken over by a newer connection on the same queue".getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)), buffer);
                // come back sooner than a takeover is allowed: a second live tab then gets 503 and stops
                SseEncoder.encode(new SseFrame.Retry(REPLACED_RETRY_MILLIS), buffer);
            }
            case EXPIRED -> SseEncoder.encode(new SseFrame.Event(null, "eventsourced-expired",
                    "the access token of this stream expired".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)), buffer);
            case CANCELLED -> SseEncoder.encode(new SseFrame.Comment("queue gone"), buffer);
        }
        flush(buffer);
    }

    private void flush(FrameBuffer buffer) throws IOException {
        writingSinceNanos = System.nanoTime();
        try {
            buffer.flushTo(out, MAX_FLUSH_BYTES);
        } finally {
            writingSinceNanos = 0;
            lastFlushNanos = System.nanoTime();
        }
    }

    /**
     * Called by the watchdog: a write that made no progress for {@code limitNanos} is
     * interrupted, which closes the socket under it.
     *
     * @return whether the stream was stuck and is now being ended
     */
    boolean abortIfStuck(long nowNanos, long limitNanos) {
        Thread t = thread;
        if (writeTimedOut || t == null || !writeBlockedFor(nowNanos, limitNanos)) {
            return false;
        }
        writeTimedOut = true;
        t.interrupt();
        return true;
    }

    /**
     * Called by the watchdog: a stream waiting on its queue (not writing) whose armed wake-up is
     * overdue by {@code graceNanos} gets it again (see StreamWakeUp.rewakeIfOverdue).
     *
     * @return whether the stream was woken
     */
    boolean rewakeIfOverdue(long nowNanos, long graceNanos) {
        return writingSinceNanos == 0 && wakeUp.rewakeIfOverdue(nowNanos, graceNanos);
    }

    /** Whether the write in progress, if any, began at least {@code minNanos} ago. */
    boolean writeBlockedFor(long nowNanos, long minNanos) {
        long since = writingSinceNanos;
        return since != 0 && nowNanos - since >= minNanos;
    }

    /** Ends the stream now, even in the middle of a blocked write (the socket is closed under it). */
    void forceClose() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private static long jittered(long millis) {
        return millis == 0 ? 0 : millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
    }

    /** How a stream ended. */
    public enum Outcome {
        CLIENT_GONE, WRITE_TIMEOUT, CANCELLED, BROKER_LOST, SHUTDOWN, REPLACED, EXPIRED;

        static Outcome of(Handoff.Reason reason) {
            return switch (reason) {
                case CANCELLED -> CANCELLED;
                case BROKER_LOST -> BROKER_LOST;
                case SHUTDOWN -> SHUTDOWN;
                case REPLACED -> REPLACED;
                case EXPIRED -> EXPIRED;
            };
        }
    }
}
