package org.eventsourced.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(3 * SECOND, policy.nextDeadline());
        assertEquals(10, policy.due(3 * SECOND));
        assertEquals(20, policy.due(4 * SECOND));
        assertEquals(Long.MAX_VALUE, policy.nextDeadline());
    }

    @Test
    void moreThanTheWindowPendingAcksTheOldestBeyondIt() {
        AckPolicy policy = new AckPolicy(Duration.ofSeconds(3), 100, 1000);
        policy.written(150, 0);
        assertEquals(50, policy.due(0), "keeps the newest 100 unacked");
        policy.written(160, 0);
        assertEquals(0, policy.due(0), "10 more past the window wait for a step of 12");
        policy.written(162, 0);
        assertEquals(62, policy.due(0));
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
