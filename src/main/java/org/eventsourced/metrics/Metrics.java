package org.eventsourced.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, shared by every stream; all methods are lock-free and safe
 * from any thread. {@link Expvar} renders them for {@code /debug/vars}.
 */
public final class Metrics {
    final long startNanos = System.nanoTime();
    final AtomicInteger openStreams = new AtomicInteger();
    final AtomicInteger requestThreads = new AtomicInteger();
    final LongAdder streamsTotal = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveredBytes = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder invalidUtf8 = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder rejectedBusy = new LongAdder();
    final LongAdder rejectedBadRequest = new LongAdder();
    final LongAdder rejectedUnavailable = new LongAdder();
    final LongAdder rejectedLimit = new LongAdder();
    final LongAdder writeTimeouts = new LongAdder();
    final AtomicInteger stalledWrites = new AtomicInteger();
    final LongAdder resumes = new LongAdder();
    final LongAdder skippedDuplicates = new LongAdder();
    final LongAdder takeoversLocal = new LongAdder();
    final LongAdder takeoversRemote = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder forcedCollections = new LongAdder();
    final PerSecond deliveryRate = new PerSecond();

    public void streamOpened() {
        openStreams.incrementAndGet();
        streamsTotal.increment();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    public int openStreams() {
        return openStreams.get();
    }

    /** Streams that have ended since start (close to exact: the two counters are read one after the other). */
    public long endedStreams() {
        return Math.max(0, streamsTotal.sum() - openStreams.get());
    }

    public void requestThreadStarted() {
        requestThreads.incrementAndGet();
    }

    public void requestThreadEnded() {
        requestThreads.decrementAndGet();
    }

    /** Messages written and flushed to a client. */
    public void delivered(int messages, long bytes) {
        delivered.add(messages);
        deliveredBytes.add(bytes);
        deliveryRate.add(messages);
    }

    public void acked(long messages) {
        acked.add(messages);
    }

    public void invalidUtf8() {
        invalidUtf8.increment();
    }

    public void heartbeat() {
        heartbeats.increment();
    }

    public void rejectedBusy() {
        rejectedBusy.increment();
    }

    public void rejectedBadRequest() {
        rejectedBadRequest.increment();
    }

    public void rejectedUnavailable() {
        rejectedUnavailable.increment();
    }

    public void rejectedLimit() {
        rejectedLimit.increment();
    }

    public void writeTimeout() {
        writeTimeouts.increment();
    }

    public void resumed() {
        resumes.increment();
    }

    public void skippedDuplicates(int count) {
        skippedDuplicates.add(count);
    }

    public void takeover(boolean remote) {
        (remote ? takeoversRemote : takeoversLocal).increment();
    }

    public long heartbeats() {
        return heartbeats.sum();
    }

    public long writeTimeouts() {
        return writeTimeouts.sum();
    }

    /** Streams whose write has been blocked for a watchdog period or longer, as of its last look. */
    public void stalledWrites(int streams) {
        stalledWrites.set(streams);
    }

    public int stalledWrites() {
        return stalledWrites.get();
    }

    public long takeoversLocal() {
        return takeoversLocal.sum();
    }

    public long takeoversRemote() {
        return takeoversRemote.sum();
    }

    /** A full collection the heap pacer asked for (memory package). */
    public void forcedCollection() {
        forcedCollections.increment();
    }

    public void error() {
        errors.increment();
    }
}
