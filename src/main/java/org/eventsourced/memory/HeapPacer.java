package org.eventsourced.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Collects the old generation in full once it holds twice what the last full collection left in it (the
 * pacing of Go's collector with its default GOGC=100), so that the heap, and with it resident memory,
 * follows the streams that are open rather than all the streams there ever were.
 *
 * <p>Why: a stream lives for minutes, so Serial GC promotes its buffers (about 38 KB) to the old generation;
 * when the stream ends they are garbage there. Serial grows the old generation rather than collect it in
 * full until the heap reaches its maximum, half the RAM by default; browsers reconnect all day, so a server
 * would grow to half the machine's memory and then pause for a collection of all of it. A full collection
 * at twice the live size keeps each pause proportional to the streams that are open.
 *
 * <p>Not when the growth is streams that are still open: after a deploy every browser reconnects at once,
 * the old generation doubles again and again, and each full collection would find nothing to free while
 * pausing every stream. So it collects only when the streams that ended since the last one could free a
 * quarter of the old generation or more (each leaves about {@link #STREAM_GARBAGE_BYTES}); otherwise it just
 * moves the threshold to twice the present size.
 *
 * <p>How: the JVM compares the old pool's usage with its usage threshold after each collection and notifies
 * once when it is crossed. The notification starts a virtual thread that runs {@link System#gc()} (with
 * {@code -XX:-ShrinkHeapInSteps} Serial then hands the freed heap back to the system at once) and sets the
 * next threshold from what is left. Only under Serial GC, the launcher's default: the other collectors pace
 * their old generation themselves.
 */
public final class HeapPacer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HeapPacer.class.getName());

    /** Below this the old generation is left to the JVM: an idle server holds 10-20 MB there. */
    public static final long FLOOR_BYTES = 64L << 20;

    /**
     * What a stream that ended leaves in the old generation: the JDK HTTP server's buffers of its connection
     * (about 30 KB) and little else (an idle stream holds about 38 KB in all).
     */
    static final long STREAM_GARBAGE_BYTES = 32L << 10;

    /**
     * One crossing of the threshold: a full collection (oldAfter and pauseNanos measured) or, when the growth
     * is open streams, none (oldAfter = oldBefore, pauseNanos = 0).
     */
    public record Pacing(boolean collected, long oldBefore, long oldAfter, long pauseNanos, long nextThreshold) {
    }

    private final MemoryPoolMXBean oldPool;
    private final long floorBytes;
    private final LongSupplier fullCollections;
    private final LongSupplier endedStreams;
    private final Consumer<Pacing> onPacing;
    private final NotificationEmitter emitter;
    private final NotificationListener listener = this::onNotification;
    private final AtomicBoolean pacing = new AtomicBoolean();
    // ended streams and the JVM's count of full collections at the last one we asked for (the pacer starts
    // with the server: none ended); written by one pacing thread at a time (the flag above), read by the next
    private long endedAtLast;
    private long fullCollectionsAtLast;

    HeapPacer(MemoryPoolMXBean oldPool, long floorBytes, LongSupplier fullCollections, LongSupplier endedStreams,
            Consumer<Pacing> onPacing) {
        this.oldPool = oldPool;
        this.floorBytes = floorBytes;
        this.fullCollections = fullCollections;
        this.fullCollectionsAtLast = fullCollections.getAsLong();
        this.endedStreams = endedStreams;
        this.onPacing = onPacing;
        this.emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        emitter.addNotificationListener(listener, null, null);
        threshold(0);
    }

    /**
     * A pacer for this JVM's old generation under Serial GC; empty under any other collector.
     *
     * @param endedStreams how many streams have ended since the server started (with this pacer)
     * @param onPacing     told of every crossing of the threshold (after the pacer has logged it), on the
     *                     pacing thread
     */
    public static Optional<HeapPacer> start(LongSupplier endedStreams, Consumer<Pacing> onPacing) {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        Optional<GarbageCollectorMXBean> serialOld = collectors.stream()
                .filter(c -> c.getName().equals("MarkSweepCompact")).findFirst();
        Optional<MemoryPoolMXBean> old = oldGeneration();
        if (serialOld.isEmpty() || old.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "heap pacing off: collectors "
                    + collectors.stream().map(GarbageCollectorMXBean::getName).toList());
            return Optional.empty();
        }
        return Optional.of(new HeapPacer(old.get(), FLOOR_BYTES, serialOld.get()::getCollectionCount, endedStreams,
                onPacing));
    }

    /** The heap pool with a usage threshold: the old generation (the young pools have none). */
    static Optional<MemoryPoolMXBean> oldGeneration() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported())
                .findFirst();
    }

    /** Twice what is live, at least the floor, at most the pool's maximum (a threshold may not exceed it). */
    static long nextThreshold(long liveBytes, long floorBytes, long maxBytes) {
        long next = Math.max(floorBytes, 2 * liveBytes);
        return maxBytes > 0 ? Math.min(next, maxBytes) : next;
    }

    private void onNotification(Notification notification, Object handback) {
        if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())
                || !(notification.getUserData() instanceof CompositeData data)
                || !oldPool.getName().equals(MemoryNotificationInfo.from(data).getPoolName())) {
            return;
        }
        // not on the JVM's notification thread: a full collection takes a while and other listeners wait
        if (pacing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("heap-pacer").start(this::pace);
        }
    }

    private void pace() {
        try {
            long before = oldPool.getUsage().getUsed();
            long ended = endedStreams.getAsLong();
            long full = fullCollections.getAsLong();
            boolean othersCollected = full != fullCollectionsAtLast;
            if (othersCollected) {
                // the JVM's own full collection, or jcmd GC.run: what had ended by then is freed already
                endedAtLast = ended;
                fullCollectionsAtLast = full;
            }
            Pacing result = !othersCollected && worthCollecting(before, ended - endedAtLast)
                    ? collect(before, ended) : new Pacing(false, before, before, 0, threshold(before));
            log(result);
            onPacing.accept(result);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "heap pacing failed: " + e);
        } finally {
            pacing.set(false);
        }
    }

    private static void log(Pacing p) {
        if (p.collected()) {
            LOG.log(System.Logger.Level.INFO, "full collection of the old generation: " + (p.oldBefore() >> 20)
                    + " MB -> " + (p.oldAfter() >> 20) + " MB in " + p.pauseNanos() / 1_000_000 + " ms; next at "
                    + (p.nextThreshold() >> 20) + " MB");
        } else {
            LOG.log(System.Logger.Level.DEBUG, "old generation at " + (p.oldBefore() >> 20)
                    + " MB, grown by open streams: no full collection; next at " + (p.nextThreshold() >> 20) + " MB");
        }
    }

    /** Could the streams that ended free at least a quarter of the old generation? */
    static boolean worthCollecting(long oldUsedBytes, long endedStreams) {
        return endedStreams >= oldUsedBytes / 4 / STREAM_GARBAGE_BYTES;
    }

    private Pacing collect(long before, long ended) {
        long start = System.nanoTime();
        System.gc();
        long pause = System.nanoTime() - start;
        long after = oldPool.getUsage().getUsed();
        endedAtLast = ended;
        fullCollectionsAtLast = fullCollections.getAsLong();
        return new Pacing(true, before, after, pause, threshold(after));
    }

    /** Sets and returns the next threshold; the JVM notifies again when the usage crosses it from below. */
    private long threshold(long liveBytes) {
        long next = nextThreshold(liveBytes, floorBytes, oldPool.getUsage().getMax());
        oldPool.setUsageThreshold(next);
        return next;
    }

    /** Stops pacing; the JVM collects as it would without it (threshold 0 turns the check off). Idempotent. */
    @Override
    public void close() {
        try {
            emitter.removeNotificationListener(listener);
        } catch (ListenerNotFoundException alreadyRemoved) {
            // closed before
        }
        oldPool.setUsageThreshold(0);
    }
}
