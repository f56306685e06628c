package org.eventsourced.sse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eventsourced.broker.Handoff;
import org.eventsourced.metrics.Metrics;

/**
 * The open streams of this instance, by queue name: how shutdown reaches all of them, how a
 * takeover finds the one to replace, and where the write watchdog looks for stuck writes.
 */
public final class StreamRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StreamRegistry.class.getName());
    /** A replaced stream that has not let go by then is blocked on a dead client: close it. */
    private static final long FORCE_AFTER_MILLIS = 300;
    /** A stream's armed wake-up this late means it was lost (see EventStream.rewakeIfOverdue). */
    private static final long REWAKE_GRACE_NANOS = 2_000_000_000L;

    private final ConcurrentHashMap<String, EventStream> byQueue = new ConcurrentHashMap<>();
    private final Metrics metrics;
    private final long writeTimeoutNanos;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread watchdog;
    private final WakeUps wakeUps = new WakeUps();

    public StreamRegistry(Metrics metrics, Duration writeTimeout) {
        this.metrics = metrics;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        // A platform thread: on Java 21-23 stuck writers can pin every carrier, and the
        // watchdog is what unpins them.
        this.watchdog = Thread.ofPlatform().daemon().name("write-watchdog").start(this::watch);
    }

    /** The timer that wakes the streams at their deadlines. */
    public WakeUps wakeUps() {
        return wakeUps;
    }

    public void register(EventStream stream) {
        byQueue.put(stream.queue(), stream);
    }

    public void unregister(EventStream stream) {
        byQueue.remove(stream.queue(), stream);
    }

    public EventStream find(String queue) {
        return byQueue.get(queue);
    }

    public List<EventStream> all() {
        return List.copyOf(byQueue.values());
    }

    /** Tells every open stream to end for {@code reason}; returns how many were told. */
    public int endAll(Handoff.End reason) {
        List<EventStream> streams = all();
        streams.forEach(s -> s.end(reason));
        return streams.size();
    }

    /**
     * Ends this instance's stream on {@code queue} so a reconnecting client can have it: the
     * stream is told why, and if it is stuck in a write it is closed under it shortly after.
     *
     * @return false when no stream here holds the queue or it is too young to be replaced
     */
    public boolean replace(String queue, boolean remote) {
        EventStream holder = byQueue.get(queue);
        if (holder == null || holder.ageNanos() < EventStream.TAKEOVER_MIN_AGE_NANOS) {
            return false;
        }
        metrics.takeover(remote);
        LOG.log(System.Logger.Level.INFO, "stream on queue '" + queue + "' taken over by a reconnect"
                + (remote ? " on another instance" : ""));
        holder.end(new Handoff.End(Handoff.Reason.REPLACED, "taken over"));
        Thread.ofVirtual().name("takeover-watch").start(() -> {
            try {
                if (!closed.await(FORCE_AFTER_MILLIS, TimeUnit.MILLISECONDS) && byQueue.get(queue) == holder) {
                    holder.forceClose();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return true;
    }

    private void watch() {
        long period = Math.max(100_000_000L, Math.min(1_000_000_000L, writeTimeoutNanos / 4));
        try {
            while (!closed.await(period, TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                int stalled = 0;
                for (EventStream stream : byQueue.values()) {
                    if (stream.abortIfStuck(now, writeTimeoutNanos)) {
                        metrics.writeTimeout();
                        LOG.log(System.Logger.Level.INFO, "stream on queue '" + stream.queue()
                                + "' ended: client read nothing for " + writeTimeoutNanos / 1_000_000_000L + " s");
                    } else if (stream.writeBlockedFor(now, period)) {
                        stalled++;
                    } else if (stream.rewakeIfOverdue(now, REWAKE_GRACE_NANOS)) {
                        LOG.log(System.Logger.Level.WARNING, "stream on queue '" + stream.queue()
                                + "' missed its wake-up; woken by the watchdog (please report)");
                    }
                }
                metrics.stalledWrites(stalled);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        wakeUps.close();
    }
}
