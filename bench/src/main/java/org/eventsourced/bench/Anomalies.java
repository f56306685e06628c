package org.eventsourced.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Contract breaches seen on the wire that are not about which messages arrived; shared by all streams of a run. */
final class Anomalies {
    private static final int MAX_SAMPLES = 10;

    final LongAdder firstLineNotComment = new LongAdder();
    final LongAdder endedByServer = new LongAdder();
    final LongAdder eventsWithoutLedger = new LongAdder();
    final LongAdder unknownFields = new LongAdder();
    final LongAdder notEventStream = new LongAdder();
    final LongAdder returnedUnroutable = new LongAdder();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampleCount = new AtomicInteger();

    void sample(String what) {
        if (sampleCount.getAndIncrement() < MAX_SAMPLES) {
            samples.add(what);
        }
    }

    long total() {
        return firstLineNotComment.sum() + endedByServer.sum() + eventsWithoutLedger.sum() + unknownFields.sum()
                + notEventStream.sum() + returnedUnroutable.sum();
    }

    List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("first line not a comment: " + firstLineNotComment.sum());
        out.add("streams ended by the server while the bench read them: " + endedByServer.sum());
        out.add("events on a stream that expected none: " + eventsWithoutLedger.sum());
        out.add("unknown SSE fields: " + unknownFields.sum());
        out.add("200 responses that were not text/event-stream: " + notEventStream.sum());
        out.add("published messages returned unroutable (queue absent at publish): " + returnedUnroutable.sum());
        for (String s : samples) {
            out.add("  e.g. " + s);
        }
        return out;
    }
}
