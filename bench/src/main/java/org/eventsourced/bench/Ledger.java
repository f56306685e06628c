package org.eventsourced.bench;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one measurement expects and what it got: per stream, which of the published messages arrived, how often,
 * intact or not, and (optionally) how long each took from publish to read.
 *
 * <p>Message format, shared by every route: AMQP {@code message-id} = {@code "<stream>.<seq>"}, AMQP {@code type} =
 * {@value #TYPE}, body as {@link Bodies} makes it. Publisher and readers live in the same JVM, so the nanoTime
 * difference is the publish-to-read latency.
 */
final class Ledger {
    static final String TYPE = "m";

    private final Tally[] tallies;
    private final Bodies bodies;
    private final CountDownLatch complete;
    private final LongAdder received = new LongAdder();

    private Ledger(int streams, int perStream, int latenciesFromSeq, Bodies bodies) {
        this.bodies = bodies;
        tallies = new Tally[streams];
        for (int k = 0; k < streams; k++) {
            tallies[k] = new Tally(this, k, perStream, latenciesFromSeq);
        }
        complete = new CountDownLatch(perStream == 0 ? 0 : streams);
    }

    static Ledger of(int streams, int perStream, boolean latencies, Bodies bodies) {
        if (streams < 0 || perStream < 0) {
            throw new IllegalArgumentException("negative count");
        }
        return new Ledger(streams, perStream, latencies ? 0 : -1, bodies);
    }

    /** A ledger that records the latencies of each stream's messages from {@code fromSeq} on, not before. */
    static Ledger withLatenciesFrom(int fromSeq, int streams, int perStream, Bodies bodies) {
        if (streams < 0 || perStream < 0 || fromSeq < 0 || fromSeq > perStream) {
            throw new IllegalArgumentException("bad counts");
        }
        return new Ledger(streams, perStream, fromSeq, bodies);
    }

    Tally tally(int stream) {
        return tallies[stream];
    }

    int streams() {
        return tallies.length;
    }

    static String id(int stream, int seq) {
        return stream + "." + seq;
    }

    /**
     * Waits until every stream got all its messages; false when no new message arrived for {@code stallMillis}
     * or {@code maxMillis} passed first.
     */
    boolean await(long stallMillis, long maxMillis) throws InterruptedException {
        long start = System.nanoTime();
        long lastCount = received.sum();
        long lastProgress = start;
        while (!complete.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            long count = received.sum();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > stallMillis * 1_000_000L) {
                return false;
            }
            if (now - start > maxMillis * 1_000_000L) {
                return false;
            }
        }
        return true;
    }

    /** Messages read so far that were new to their stream. */
    long received() {
        return received.sum();
    }

    void onStreamComplete() {
        complete.countDown();
    }

    Summary summary() {
        long expected = 0, unique = 0, duplicates = 0, foreign = 0, corrupt = 0, last = Long.MIN_VALUE;
        int latencyCount = 0;
        for (Tally t : tallies) {
            t.lock.lock();
            try {
                expected += t.expected;
                unique += t.unique;
                duplicates += t.duplicates;
                foreign += t.foreign;
                corrupt += t.corrupt;
                if (t.unique + t.duplicates + t.foreign > 0) {
                    last = Math.max(last, t.lastNanos);
                }
                latencyCount += t.latencyCount;
            } finally {
                t.lock.unlock();
            }
        }
        long[] lat = new long[latencyCount];
        int pos = 0;
        for (Tally t : tallies) {
            t.lock.lock();
            try {
                if (t.latencies != null) {
                    System.arraycopy(t.latencies, 0, lat, pos, t.latencyCount);
                    pos += t.latencyCount;
                }
            } finally {
                t.lock.unlock();
            }
        }
        Arrays.sort(lat);
        return new Summary(expected, unique, duplicates, foreign, corrupt, last, lat);
    }

    /**
     * The outcome of one measurement.
     *
     * @param lastReadNanos nanoTime of the last message read by any stream (Long.MIN_VALUE if none)
     * @param latencies     sorted publish-to-read times in ns (empty unless recorded)
     */
    record Summary(long expected, long unique, long duplicates, long foreign, long corrupt,
                   long lastReadNanos, long[] latencies) {
        long missing() {
            return expected - unique;
        }

        long violations() {
            return missing() + duplicates + foreign + corrupt;
        }

        /** Nearest-rank percentile in ms, NaN when nothing was recorded. */
        double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * latencies.length);
            return latencies[Math.clamp(rank - 1, 0, latencies.length - 1)] / 1e6;
        }
    }

    /** One stream's record. Written by that stream's reader; a lock makes the final read by the main thread safe. */
    static final class Tally {
        private final Ledger ledger;
        private final int stream;
        private int expected;
        private boolean abandoned;
        private final BitSet seen;
        private final long[] latencies;
        private final int latenciesFromSeq;
        private final ReentrantLock lock = new ReentrantLock();
        private int unique, duplicates, foreign, corrupt, latencyCount;
        private long lastNanos;

        /** @param latenciesFromSeq the first sequence number whose latency counts, -1 = none */
        private Tally(Ledger ledger, int stream, int expected, int latenciesFromSeq) {
            this.ledger = ledger;
            this.stream = stream;
            this.expected = expected;
            this.seen = new BitSet(expected);
            this.latencies = latenciesFromSeq >= 0 ? new long[expected - latenciesFromSeq] : null;
            this.latenciesFromSeq = latenciesFromSeq;
        }

        /**
         * Takes a stream whose reader never opened out of the count: nothing is expected of it any more (anything it
         * still gets is foreign) and waiting for the ledger does not wait for it.
         */
        void abandon() {
            boolean countDown;
            lock.lock();
            try {
                countDown = !abandoned && unique < expected;
                abandoned = true;
                expected = 0;
            } finally {
                lock.unlock();
            }
            if (countDown) {
                ledger.onStreamComplete();
            }
        }

        /**
         * Records one message as a reader saw it.
         *
         * @param id   the SSE {@code id:} of this event or AMQP message-id, null if it had none
         * @param type the SSE {@code event:} or AMQP type, null if none
         * @param body the message text
         * @param now  System.nanoTime() when it was read
         * @return true when this message completed the stream (all expected messages seen)
         */
        boolean onMessage(String id, String type, String body, long now) {
            int sp1 = body.indexOf(' ');
            int sp2 = sp1 < 0 ? -1 : body.indexOf(' ', sp1 + 1);
            long published = -1;
            int seq = -1;
            int from = -1;
            if (sp2 > 0) {
                try {
                    published = Long.parseLong(body, 0, sp1, 10);
                    int dot = body.indexOf('.', sp1 + 1);
                    if (dot > 0 && dot < sp2) {
                        from = Integer.parseInt(body, sp1 + 1, dot, 10);
                        seq = Integer.parseInt(body, dot + 1, sp2, 10);
                    }
                } catch (NumberFormatException e) {
                    seq = -1;
                }
            }
            boolean intact = id != null && sp2 > 0 && id.length() == sp2 - sp1 - 1 && body.startsWith(id, sp1 + 1)
                    && TYPE.equals(type) && body.equals(ledger.bodies.text(published, id));
            boolean complete = false;
            lock.lock();
            try {
                lastNanos = now;
                if (abandoned || seq < 0 || from != stream || seq >= expected) {
                    foreign++;
                    return false;
                }
                if (!intact) {
                    corrupt++;
                }
                if (seen.get(seq)) {
                    duplicates++;
                    return false;
                }
                seen.set(seq);
                unique++;
                if (latencies != null && seq >= latenciesFromSeq) {
                    latencies[latencyCount++] = now - published;
                }
                complete = unique == expected;
            } finally {
                lock.unlock();
            }
            ledger.received.increment();
            if (complete) {
                ledger.onStreamComplete();
            }
            return complete;
        }
    }
}
