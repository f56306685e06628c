package org.eventsourced.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LedgerTest {

    private static final Bodies BODIES = new Bodies(64, true);

    private static String body(int stream, int seq) {
        return new String(BODIES.of(System.nanoTime(), Ledger.id(stream, seq)), StandardCharsets.UTF_8);
    }

    @Test
    void countsEachMessageOnceAndFlagsTheRest() throws InterruptedException {
        Ledger ledger = Ledger.of(2, 2, true, BODIES);
        Ledger.Tally t0 = ledger.tally(0);
        assertFalse(t0.onMessage("0.0", Ledger.TYPE, body(0, 0), System.nanoTime()));
        assertFalse(t0.onMessage("0.0", Ledger.TYPE, body(0, 0), System.nanoTime()));   // duplicate
        assertFalse(t0.onMessage("1.0", Ledger.TYPE, body(1, 0), System.nanoTime()));   // other stream's
        assertTrue(t0.onMessage("0.9", Ledger.TYPE, body(0, 1), System.nanoTime()));    // id does not match body
        Ledger.Tally t1 = ledger.tally(1);
        t1.onMessage("1.0", null, body(1, 0), System.nanoTime());                       // no event type
        t1.onMessage("1.1", Ledger.TYPE, body(1, 1).replace('\u20ac', '?'), System.nanoTime()); // text changed
        assertTrue(ledger.await(50, 1000));
        Ledger.Summary s = ledger.summary();
        assertEquals(4, s.expected());
        assertEquals(4, s.unique());
        assertEquals(0, s.missing());
        assertEquals(1, s.duplicates());
        assertEquals(1, s.foreign());
        assertEquals(3, s.corrupt());
        assertEquals(4, s.latencies().length);
    }

    @Test
    void latenciesOfTheSettlingMessagesDoNotCount() throws InterruptedException {
        Ledger ledger = Ledger.withLatenciesFrom(2, 1, 5, BODIES);
        for (int seq = 4; seq >= 0; seq--) {
            ledger.tally(0).onMessage(Ledger.id(0, seq), Ledger.TYPE, body(0, seq), System.nanoTime());
        }
        assertTrue(ledger.await(50, 1000));
        Ledger.Summary s = ledger.summary();
        assertEquals(5, s.unique(), "every message is still verified");
        assertEquals(3, s.latencies().length, "seq 2, 3 and 4 only");
    }

    @Test
    void anAbandonedStreamIsNotWaitedFor() throws InterruptedException {
        Ledger ledger = Ledger.of(2, 1, false, BODIES);
        ledger.tally(0).onMessage("0.0", Ledger.TYPE, body(0, 0), System.nanoTime());
        ledger.tally(1).abandon();
        assertTrue(ledger.await(50, 1000));
        assertEquals(0, ledger.summary().violations());
    }
}
