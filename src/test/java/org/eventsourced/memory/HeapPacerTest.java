package org.eventsourced.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryPoolMXBean;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** On this JVM's own old generation (whatever collector the tests run with): thresholds are the JVM's. */
class HeapPacerTest {
    private static final long MB = 1L << 20;

    @Test
    void nextThresholdIsTwiceTheLiveSizeBetweenFloorAndMaximum() {
        assertEquals(64 * MB, HeapPacer.nextThreshold(0, 64 * MB, 6000 * MB));
        assertEquals(64 * MB, HeapPacer.nextThreshold(20 * MB, 64 * MB, 6000 * MB));
        assertEquals(800 * MB, HeapPacer.nextThreshold(400 * MB, 64 * MB, 6000 * MB));
        assertEquals(6000 * MB, HeapPacer.nextThreshold(3500 * MB, 64 * MB, 6000 * MB));
        assertEquals(800 * MB, HeapPacer.nextThreshold(400 * MB, 64 * MB, -1)); // no maximum
    }

    @Test
    void worthCollectingWhenEndedStreamsCouldFreeAQuarter() {
        long perStream = HeapPacer.STREAM_GARBAGE_BYTES;
        assertTrue(HeapPacer.worthCollecting(800 * MB, 800 * MB / 4 / perStream));
        assertFalse(HeapPacer.worthCollecting(800 * MB, 800 * MB / 4 / perStream - 1));
        assertFalse(HeapPacer.worthCollecting(200 * MB, 0), "a reconnect wave: every new stream is still open");
        // the full run's case: 6,000 warm-up streams ended, then 7,000 more opened (about 500 MB in all)
        assertTrue(HeapPacer.worthCollecting(500 * MB, 6000));
    }

    @Test
    void crossingTheThresholdAfterStreamsEndedCollectsAndSetsTheNextOne() throws InterruptedException {
        MemoryPoolMXBean old = oldGeneration();
        Crossing c = crossOnce(old, () -> 0, () -> 1_000_000);
        assertTrue(c.pacing().collected(), c.toString());
        assertTrue(c.pacing().pauseNanos() > 0, c.toString());
        assertEquals(HeapPacer.nextThreshold(c.pacing().oldAfter(), 1, old.getUsage().getMax()),
                c.pacing().nextThreshold());
        assertEquals(c.pacing().nextThreshold(), c.thresholdBeforeClose());
        assertEquals(0, old.getUsageThreshold(), "close turns the check off again");
    }

    @Test
    void crossingTheThresholdWithNoStreamEndedOnlyMovesIt() throws InterruptedException {
        MemoryPoolMXBean old = oldGeneration();
        Crossing c = crossOnce(old, () -> 0, () -> 0);
        assertFalse(c.pacing().collected(), c.toString());
        assertEquals(HeapPacer.nextThreshold(c.pacing().oldBefore(), 1, old.getUsage().getMax()),
                c.pacing().nextThreshold());
        assertEquals(c.pacing().nextThreshold(), c.thresholdBeforeClose());
    }

    @Test
    void aFullCollectionByOthersCountsAsTheLastOne() throws InterruptedException {
        // the JVM's count of full collections moves after the pacer started: as if jcmd GC.run had collected
        // after those streams ended
        AtomicLong fullCollections = new AtomicLong();
        Crossing c = crossOnce(oldGeneration(), () -> fullCollections.getAndIncrement(), () -> 1_000_000);
        assertFalse(c.pacing().collected(), c.toString());
        assertEquals(c.pacing().nextThreshold(), c.thresholdBeforeClose());
    }

    /** What one crossing did, and the pool's threshold just before the pacer was closed. */
    private record Crossing(HeapPacer.Pacing pacing, long thresholdBeforeClose) {
    }

    /** A pacer with a 1-byte floor: the old generation is over it already, and the JVM checks at the next GC. */
    private static Crossing crossOnce(MemoryPoolMXBean old, LongSupplier fullCollections, LongSupplier endedStreams)
            throws InterruptedException {
        BlockingQueue<HeapPacer.Pacing> pacings = new ArrayBlockingQueue<>(16);
        HeapPacer pacer = new HeapPacer(old, 1, fullCollections, endedStreams, pacings::offer);
        try {
            System.gc();
            HeapPacer.Pacing p = pacings.poll(30, TimeUnit.SECONDS);
            assertTrue(p != null, "no pacing within 30 s of crossing a 1-byte threshold on " + old.getName());
            return new Crossing(p, old.getUsageThreshold());
        } finally {
            pacer.close();
        }
    }

    private static MemoryPoolMXBean oldGeneration() {
        return HeapPacer.oldGeneration()
                .orElseThrow(() -> new AssertionError("this JVM's heap has no pool with a usage threshold"));
    }
}
