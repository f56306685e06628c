package org.eventsourced.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency: S streams, R messages/s spread round-robin over them for T seconds, open loop (the publisher keeps its
 * schedule whatever the readers do). Each body carries System.nanoTime() taken just before basicPublish; the reader
 * subtracts it from its own nanoTime when the message is parsed.
 */
final class Latency {
    private static final int SETTLE_SECONDS = 2;

    private final Context cx;
    private int measurement;

    Latency(Context cx) {
        this.cx = cx;
    }

    void run() throws Exception {
        Options o = cx.options();
        int streams = o.latencyStreams();
        int rate = o.latencyRate();
        int seconds = o.latencySeconds();
        cx.report().section("latency (" + streams + " streams, " + rate + " msg/s for " + seconds
                + " s, publish to read, ms)");
        double[][] p = new double[3][2];
        for (double[] a : p) {
            a[0] = Double.NaN;
            a[1] = Double.NaN;
        }
        for (Route r : cx.routes()) {
            Ledger.Summary s = once(r, streams, rate, seconds);
            int col = r instanceof SseRoute ? 0 : 1;
            p[0][col] = s.percentileMillis(50);
            p[1][col] = s.percentileMillis(99);
            p[2][col] = s.percentileMillis(100);
            cx.report().note("latency " + r.label() + ": " + s.latencies().length + " samples, p50 "
                    + Report.fmt("%.3f", p[0][col]) + " p90 " + Report.fmt("%.3f", s.percentileMillis(90))
                    + " p99 " + Report.fmt("%.3f", p[1][col]) + " p99.9 " + Report.fmt("%.3f", s.percentileMillis(99.9))
                    + " max " + Report.fmt("%.3f", p[2][col]) + " ms");
        }
        cx.report().row("p50", p[0][0], p[0][1], "%.3f", "");
        cx.report().row("p99", p[1][0], p[1][1], "%.3f", "< 2 and <= baseline + 1");
        cx.report().row("max", p[2][0], p[2][1], "%.3f", "");
        cx.checkServerIdle("latency");
    }

    /**
     * One run on fresh streams: {@value #SETTLE_SECONDS} s of messages whose latencies do not count, then
     * {@code seconds} that do. Right after 100 queues were declared and consumers started (and, before this, others
     * deleted) both routes show a tail of several ms for a second or two, the broker still busy with that; a run
     * measures the steady state after it, on the same streams.
     */
    private Ledger.Summary once(Route route, int streams, int rate, int seconds) throws Exception {
        Options o = cx.options();
        int perStream = Math.max(1, rate * seconds / streams);
        int settling = rate * SETTLE_SECONDS / streams;
        int total = (settling + perStream) * streams;
        List<String> queues = cx.names("lat" + (measurement++) + "-" + Context.tag(route), streams);
        Ledger ledger = Ledger.withLatenciesFrom(settling, streams, settling + perStream, o.bodies());
        Batch batch = null;
        try (Broker.Publisher pub = cx.broker().publisher(o.bodies())) {
            batch = route.open(queues, 0, ledger, 10);
            long period = 1_000_000_000L / rate;
            long t0 = System.nanoTime();
            long late = 0;
            for (int i = 0; i < total; i++) {
                long due = t0 + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -1_000_000 && i >= settling * streams) {
                    late++;
                }
                pub.publish(queues.get(i % streams), i % streams, i / streams);
            }
            double took = (System.nanoTime() - t0) / 1e9;
            boolean complete = ledger.await(o.stallMillis(), 60_000);
            Thread.sleep(100);
            Ledger.Summary s = ledger.summary();
            cx.verification().add(route, s, batch.failedCount(), complete);
            cx.report().note("latency " + route.label() + ": published " + total + " in "
                    + Report.fmt("%.2f", took) + " s, the first " + settling * streams + " (" + SETTLE_SECONDS
                    + " s) not counted; " + late + " counted publishes more than 1 ms behind schedule");
            if (batch.failedCount() > 0) {
                cx.report().note("latency " + route.label() + ": open failures " + batch.failures());
            }
            if (!complete) {
                cx.report().note("latency " + route.label() + ": only " + s.unique() + " of " + s.expected()
                        + " messages arrived");
            }
            return s;
        } finally {
            if (batch != null) {
                batch.close();
            }
            cx.broker().delete(queues);
        }
    }
}
