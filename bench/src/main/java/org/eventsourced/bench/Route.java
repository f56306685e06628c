package org.eventsourced.bench;

import java.util.List;

/** A way for messages to reach a reader: through eventsourced as SSE, or straight from the broker over AMQP. */
interface Route extends AutoCloseable {
    /** Column label in the report. */
    String label();

    /**
     * Opens one reader per queue, at most {@code concurrency} openings in flight, and returns once every one is open
     * or has failed. Reader {@code i} feeds {@code ledger.tally(firstStream + i)}.
     */
    Batch open(List<String> queues, int firstStream, Ledger ledger, int concurrency) throws Exception;

    /** Releases what the route holds beyond its batches (connections); idempotent. */
    @Override
    void close();
}
