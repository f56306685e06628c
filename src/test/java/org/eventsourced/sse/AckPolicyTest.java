package org.eventsourced.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AckPolicyTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void zeroDelayAcksEverythingWrittenAtOnce() {
        AckPolicy policy = new AckPolicy(Duration.ZERO, 0, 100);
        policy.written(5, 0);
        assertEquals(5, policy.due(0));
        assertEquals(0, policy.due(0), "nothing new to ack");
    }

    @Test
    void writtenMessagesWaitForTheDelay() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 100, 1000);
        policy.written(10, 0);
        policy.written(20, SECOND);
        assertEquals(0, policy.due(2 * SECOND));
        assertEquals(0, policy.due(3 * SECOND), "due, but waits for younger ones to join");
        assertEquals(4 * SECOND + SECOND / 2, policy.nextDeadline());
        assertEquals(20, policy.due(4 * SECOND + SECOND / 2), "both are at least 3 s old");
        assertEquals(Long.MAX_VALUE, policy.nextDeadline());
    }

    @Test
    void aSteadyTrickleIsAckedInBatchesNeverBeforeTheDelay() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 500, 1000);
        long step = SECOND / 10;
        int acks = 0;
        long previous = 0;
        for (int tag = 1; tag <= 100; tag++) {
            long now = tag * step;
            policy.written(tag, now);
            long acked = policy.due(now);
            if (acked > 0) {
                acks++;
                assertTrue(now - acked * step >= 3 * SECOND, "tag " + acked + " acked too early");
                assertTrue(now - (previous + 1) * step <= 4 * SECOND + SECOND / 2, "tag " + (previous + 1) + " acked late");
                previous = acked;
            }
        }
        assertTrue(acks >= 4 && acks <= 7, "a 10 s trickle at 10/s acked " + acks + " times, not 100");
    }

    @Test
    void moreThanTheWindowPendingAcksTheOldestBeyondIt() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 100, 1000);
        policy.written(150, 0);
        assertEquals(50, policy.due(0), "keeps the newest 100 unacked");
        policy.written(160, 0);
        assertEquals(0, policy.due(0), "10 more past the window wait for a step of 50 (half the window)");
        policy.written(200, 0);
        assertEquals(100, policy.due(0));
    }

    @Test
    void stepsStaySmallEnoughForThePrefetchWindow() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 500, 600);
        policy.written(549, 0);
        assertEquals(0, policy.due(0), "49 past the window: the step is half of what the prefetch leaves, 50");
        policy.written(550, 0);
        assertEquals(50, policy.due(0), "the broker still had 50 deliveries of credit");
    }

    @Test
    void skippedDuplicatesCountAsAcked() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 2, 10);
        policy.skippedThrough(7);
        policy.written(9, 0);
        assertEquals(0, policy.due(0), "two pending fit the window");
        policy.written(10, 0);
        assertEquals(8, policy.due(0));
    }
}
