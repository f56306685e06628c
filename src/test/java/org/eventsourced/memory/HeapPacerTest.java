package org.eventsourced.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryPoolMXBean;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
    void growthIsGarbageWhenEndedStreamsCouldHoldHalfOfIt() {
        long perStream = HeapPacer.STREAM_GARBAGE_BYTES;
        assertTrue(HeapPacer.mostlyGarbage(400 * MB, 400 * MB / 2 / perStream));
        assertFalse(HeapPacer.mostlyGarbage(400 * MB, 400 * MB / 2 / perStream - 1));
        assertFalse(HeapPacer.mostlyGarbage(200 * MB, 0), "a reconnect wave: every new stream is still open");
        assertTrue(HeapPacer.mostlyGarbage(-5 * MB, 0), "shrunk since: a collection costs little");
    }

    @Test
    void crossingTheThresholdAfterStreamsEndedCollectsAndSetsTheNextOne() throws InterruptedException {
        MemoryPoolMXBean old = oldGeneration();
        BlockingQueue<HeapPacer.Pacing> pacings = new ArrayBlockingQueue<>(16);
        // a 1-byte floor: the old generation is over it already; the JVM checks after the next collection
        HeapPacer pacer = new HeapPacer(old, 1, () -> 1_000_000, pacings::offer);
        try {
            System.gc();
            HeapPacer.Pacing p = next(pacings, old);
            assertTrue(p.collected(), p.toString());
            assertTrue(p.pauseNanos() > 0, p.toString());
            assertEquals(HeapPacer.nextThreshold(p.oldAfter(), 1, old.getUsage().getMax()), p.nextThreshold());
            assertEquals(p.nextThreshold(), old.getUsageThreshold());
        } finally {
            pacer.close();
        }
        assertEquals(0, old.getUsageThreshold(), "close turns the check off again");
    }

    @Test
    void crossingTheThresholdWithNoStreamEndedOnlyMovesIt() throws InterruptedException {
        MemoryPoolMXBean old = oldGeneration();
        BlockingQueue<HeapPacer.Pacing> pacings = new ArrayBlockingQueue<>(16);
        HeapPacer pacer = new HeapPacer(old, 1, () -> 0, pacings::offer);
        try {
            System.gc();
            HeapPacer.Pacing p = next(pacings, old);
            assertFalse(p.collected(), p.toString());
            assertEquals(HeapPacer.nextThreshold(p.oldBefore(), 1, old.getUsage().getMax()), p.nextThreshold());
            assertEquals(p.nextThreshold(), old.getUsageThreshold());
        } finally {
            pacer.close();
        }
    }

    private static MemoryPoolMXBean oldGeneration() {
        return HeapPacer.oldGeneration()
                .orElseThrow(() -> new AssertionError("this JVM's heap has no pool with a usage threshold"));
    }

    private static HeapPacer.Pacing next(BlockingQueue<HeapPacer.Pacing> pacings, MemoryPoolMXBean old)
            throws InterruptedException {
        HeapPacer.Pacing p = pacings.poll(30, TimeUnit.SECONDS);
        assertTrue(p != null, "no pacing within 30 s of crossing a 1-byte threshold on " + old.getName());
        return p;
    }
}
