package org.eventsourced.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Scale: N idle readers opened as fast as the other side accepts them, C openings in flight. Memory is sampled
 * (after a settling pause) at 0, N/5 and N readers; the per-reader figure is the slope between N/5 and N. Then one
 * message is published to every queue and each open reader must read it exactly once.
 *
 * <p>The baseline reader is a plain AMQP subscription: open a channel, declare the queue, set QoS, start an
 * exclusive consumer; channels spread over several connections (RabbitMQ allows 2047 per connection).
 */
final class Scale {
    private record Result(int ok, int failed, String failures, double rate, double openP50, double openP99,
                          double rssPerStream, double rssAtN, double brokerPerStream, long delivered,
                          long deliverable, double deliverMs, double releaseMs) {
    }

    private record Sample(long rss, long brokerMemory, long brokerRss) {
        @Override
        public String toString() {
            return "server RSS " + mb(rss) + ", broker memory " + mb(brokerMemory) + ", broker RSS " + mb(brokerRss);
        }

        private static String mb(long bytes) {
            return bytes < 0 ? "-" : Report.fmt("%.1f MB", bytes / 1048576.0);
        }
    }

    /** Opens before the measured ones (see warmUp); C2 compiles a method after about 5,000 calls. */
    private static final int WARM_UP_OPENS = 6000;
    /** Two rounds: what closing the first round's streams deoptimised is compiled again in the second. */
    private static final int WARM_UP_ROUNDS = 2;

    private final Context cx;

    Scale(Context cx) {
        this.cx = cx;
    }

    void run() throws Exception {
        Options o = cx.options();
        int n = o.scaleStreams();
        int mark = Math.max(1, n / 5);
        cx.report().section("scale (" + n + " idle streams, " + o.concurrency() + " opens in flight)");
        Result es = null, base = null;
        int warmOpens = o.warmupSeconds() > 0 ? Math.min(n, WARM_UP_OPENS) : 0;
        for (Route r : cx.routes()) {
            for (int round = 0; warmOpens > 0 && round < WARM_UP_ROUNDS; round++) {
                warmUp(r, warmOpens);
            }
            if (warmOpens > 0 && r instanceof SseRoute) {
                // the warm-up's ended streams are garbage in the server's old generation, which its heap pacer
                // would collect at some point of the measured opens: a drop inside the RSS slope
                cx.report().note("scale " + r.label() + ": after the warm-up, " + cx.server().collectInFull());
            }
            Result res = once(r, n, mark);
            if (r instanceof SseRoute) {
                es = res;
            } else {
                base = res;
            }
        }
        Report rep = cx.report();
        rep.text("streams open / failed", es == null ? "-" : es.ok + " / " + es.failed,
                base == null ? "-" : base.ok + " / " + base.failed, n + " / 0");
        rep.row("open rate (streams/s)", es == null ? Double.NaN : es.rate, base == null ? Double.NaN : base.rate,
                "%.0f", ">= 0.90");
        rep.row("open time p50 (ms)", es == null ? Double.NaN : es.openP50, base == null ? Double.NaN : base.openP50,
                "%.2f", "");
        rep.row("open time p99 (ms)", es == null ? Double.NaN : es.openP99, base == null ? Double.NaN : base.openP99,
                "%.2f", "");
        rep.row("server RSS per stream (KB, slope " + mark + ".." + n + ")",
                es == null ? Double.NaN : es.rssPerStream, Double.NaN, "%.1f", "<= 40");
        rep.row("server RSS at " + n + " streams (MB)", es == null ? Double.NaN : es.rssAtN, Double.NaN, "%.0f", "");
        rep.row("broker memory per stream (KB, slope " + mark + ".." + n + ")",
                es == null ? Double.NaN : es.brokerPerStream, base == null ? Double.NaN : base.brokerPerStream,
                "%.1f", "");
        rep.text("1 message to each open stream: read once",
                es == null ? "-" : es.delivered + " / " + es.deliverable,
                base == null ? "-" : base.delivered + " / " + base.deliverable, "all");
        rep.row("time until every stream read its message (ms)", es == null ? Double.NaN : es.deliverMs,
                base == null ? Double.NaN : base.deliverMs, "%.0f", "");
        rep.text("all clients closed: every stream released after (ms)",
                es == null ? "-" : Report.fmt("%.0f", es.releaseMs),
                base == null ? "-" : Report.fmt("%.0f", base.releaseMs), releaseTarget(base));
        cx.checkServerIdle("scale");
    }

    /**
     * A stream whose client left is noticed by its next heartbeat, at most a heartbeat after the close, and the
     * probe 100 ms later; then its channel is closed. The baseline's time to close as many channels is the floor
     * for that last part; 200 ms more cover the probe and the release poll's step.
     */
    private String releaseTarget(Result base) {
        long heartbeatMs = cx.options().heartbeatSeconds() * 1000L;
        if (base == null || Double.isNaN(base.releaseMs)) {
            return "<= " + (heartbeatMs + 1000) + " (heartbeat + 1 s)";
        }
        return "<= " + Report.fmt("%.0f", heartbeatMs + 200 + base.releaseMs) + " (heartbeat + 0.2 s + direct)";
    }

    /**
     * Unreported opens before the measured ones. Both sides run their open path once per stream, so the JIT
     * compiles it only after thousands of opens: without this the server's C2 compiler threads took about 40% of
     * its CPU in the middle of the measured opens (perf), and the open rate measured the JIT. The streams are
     * closed and their queues deleted, which ends them on the server at once.
     */
    private void warmUp(Route route, int opens) throws Exception {
        Options o = cx.options();
        List<String> queues = cx.names("scale-warm-" + Context.tag(route), opens);
        Batch batch = null;
        try {
            batch = route.open(queues, 0, Ledger.of(opens, 1, false, o.bodies()), o.concurrency());
            cx.report().note("scale warm-up " + route.label() + ": " + batch.ok() + " streams opened in "
                    + ms(batch.elapsedNanos()) + " ms, then closed (not measured)");
        } finally {
            if (batch != null) {
                batch.close();
            }
            cx.broker().delete(queues);
        }
        if (route instanceof SseRoute) {
            cx.checkServerIdle("scale warm-up");
        }
    }

    /**
     * CPU used by server, broker and bench during the two opening phases (not the pauses between), per stream,
     * and the part of the server's that its JIT compilers took.
     */
    private static String cpuPerOpen(long[] a0, long[] a1, long[] b0, long[] b1, int opened, boolean sse) {
        String[] who = {"server", "broker", "bench"};
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < who.length; c++) {
            boolean known = a0[c] >= 0 && a1[c] >= 0 && b0[c] >= 0 && b1[c] >= 0 && opened > 0 && (c > 0 || sse);
            out.append(c == 0 ? "" : ", ").append(who[c]).append(' ').append(known
                    ? Report.fmt("%.0f us", (a1[c] - a0[c] + b1[c] - b0[c]) / 1e3 / opened) : "-");
            if (c == 0 && known && a0[3] >= 0 && a1[3] >= 0 && b0[3] >= 0 && b1[3] >= 0) {
                // a compiler thread that ended took its time along (Server.compilerCpuNanos): never below 0
                long jit = Math.max(0, a1[3] - a0[3]) + Math.max(0, b1[3] - b0[3]);
                out.append(Throughput.jit(jit, opened, true));
            }
        }
        return out.toString();
    }

    private Result once(Route route, int n, int mark) throws Exception {
        Options o = cx.options();
        boolean sse = route instanceof SseRoute;
        List<String> queues = cx.names("scale-" + Context.tag(route), n);
        Ledger ledger = Ledger.of(n, 1, false, o.bodies());
        Batch first = null, rest = null;
        String label = "scale " + route.label();
        try (Broker.Publisher pub = cx.broker().publisher(o.bodies())) {
            Sample s0 = sample(sse);
            cx.report().note(label + ": at 0 streams: " + s0);
            long[] cpu0 = cx.cpu();
            first = route.open(queues.subList(0, mark), 0, ledger, o.concurrency());
            long[] cpu1 = cx.cpu();
            Sample s1 = sample(sse);
            cx.report().note(label + ": " + first.ok() + " open in " + ms(first.elapsedNanos()) + " ms; at " + mark
                    + " streams: " + s1);
            long[] cpu2 = cx.cpu();
            rest = route.open(queues.subList(mark, n), mark, ledger, o.concurrency());
            long[] cpu3 = cx.cpu();
            Sample s2 = sample(sse);
            cx.report().note(label + ": " + rest.ok() + " more open in " + ms(rest.elapsedNanos()) + " ms; at " + n
                    + " streams: " + s2);
            if (sse) {
                String vars = cx.server().vars();
                cx.report().note(label + ": /debug/vars at " + n + " streams: " + vars.replaceAll("\\s+", " "));
            }
            int ok = first.ok() + rest.ok();
            cx.report().note(label + ": CPU per open (both phases): " + cpuPerOpen(cpu0, cpu1, cpu2, cpu3, ok, sse));
            int failed = first.failedCount() + rest.failedCount();
            String failures = first.failures() + " " + rest.failures();
            if (failed > 0) {
                cx.report().note(label + ": open failures: " + failures);
            }
            long[] opens = concat(first.openNanos(), rest.openNanos());
            Arrays.sort(opens);
            double rate = ok / ((first.elapsedNanos() + rest.elapsedNanos()) / 1e9);
            double rssSlope = sse && s1.rss > 0 && s2.rss > 0 && rest.ok() > 0
                    ? (s2.rss - s1.rss) / 1024.0 / rest.ok() : Double.NaN;
            double brokerSlope = s1.brokerMemory > 0 && s2.brokerMemory > 0 && rest.ok() > 0
                    ? (s2.brokerMemory - s1.brokerMemory) / 1024.0 / rest.ok() : Double.NaN;

            long t0 = System.nanoTime();
            for (int k = 0; k < n; k++) {
                pub.publish(queues.get(k), k, 0);
            }
            boolean complete = ledger.await(o.stallMillis(), 120_000);
            Thread.sleep(100);
            Ledger.Summary s = ledger.summary();
            cx.verification().add(route, s, failed, complete);
            if (!complete) {
                cx.report().note(label + ": only " + s.unique() + " of " + s.expected()
                        + " open streams read their message");
            }
            double deliverMs = s.lastReadNanos() == Long.MIN_VALUE ? Double.NaN : (s.lastReadNanos() - t0) / 1e6;

            // the clients go away; the server must notice with its next heartbeat (and the probe 100 ms
            // after it) and close the streams' channels; the baseline's figure is closing its channels
            long c0 = System.nanoTime();
            first.close();
            rest.close();
            double releaseMs;
            if (sse) {
                releaseMs = awaitRelease(label, queues, first, rest);
            } else {
                releaseMs = (System.nanoTime() - c0) / 1e6;
                cx.report().note(label + ": all " + ok + " channels closed, " + o.concurrency() + " in flight, in "
                        + Report.fmt("%.0f", releaseMs) + " ms");
            }
            double rssAtN = sse && s2.rss > 0 ? s2.rss / 1048576.0 : Double.NaN;
            return new Result(ok, failed, failures, rate, pct(opens, 50), pct(opens, 99), rssSlope, rssAtN,
                    brokerSlope, s.unique(), s.expected(), deliverMs, releaseMs);
        } finally {
            if (first != null) {
                first.close();
            }
            if (rest != null) {
                rest.close();
            }
            long d0 = System.nanoTime();
            int failed = cx.broker().delete(queues);
            cx.report().note(label + ": closed, " + (queues.size() - failed) + " queues deleted in "
                    + ms(System.nanoTime() - d0) + " ms");
        }
    }

    /**
     * Polls /debug/vars until the server counts no stream, noting the count every 5 s; returns the ms it took,
     * NaN if some were still counted after four heartbeats (their queues are then named in the notes).
     */
    private double awaitRelease(String label, List<String> queues, Batch first, Batch rest)
            throws InterruptedException {
        long c0 = System.nanoTime();
        long limit = 4L * cx.options().heartbeatSeconds() * 1_000_000_000L;
        StringBuilder trace = new StringBuilder();
        long nextMark = 5_000_000_000L;
        int left = cx.server().consumers();
        while (left != 0 && System.nanoTime() - c0 < limit) {
            Thread.sleep(100);
            left = cx.server().consumers();
            if (System.nanoTime() - c0 >= nextMark) {
                trace.append(' ').append(nextMark / 1_000_000_000L).append("s:").append(left);
                nextMark += 5_000_000_000L;
            }
        }
        double ms = (System.nanoTime() - c0) / 1e6;
        if (left == 0) {
            cx.report().note(label + ": all clients closed; /debug/vars Consumer 0 after " + Report.fmt("%.0f", ms)
                    + " ms (on the way:" + trace + ")");
            return ms;
        }
        String prefix = queues.getFirst().substring(0, queues.getFirst().lastIndexOf('-') + 1);
        List<String> held = Broker.queuesWithConsumers(prefix);
        cx.report().note(label + ": all clients closed; /debug/vars Consumer still " + left + " after "
                + Report.fmt("%.0f", ms) + " ms (on the way:" + trace + "); queues the broker still shows a consumer on: "
                + held.size() + " " + held.subList(0, Math.min(5, held.size())));
        for (String q : held.subList(0, Math.min(5, held.size()))) {
            String d = first.describe(q);
            d = d.endsWith("(not in this batch)") ? rest.describe(q) : d;
            cx.report().note(label + ": bench side of " + d);
            List<String> ss = StuckStreams.socketState(d);
            for (String line : ss) {
                cx.report().note(label + ": ss: " + line);
            }
            for (String line : StuckStreams.epollRegistrations(ss)) {
                cx.report().note(label + ": " + line);
            }
        }
        for (String line : StuckStreams.streamThreads(cx.server().pid())) {
            cx.report().note(label + ": server thread: " + line);
        }
        for (String line : StuckStreams.benchThreadsInSyscalls()) {
            cx.report().note(label + ": bench thread in a system call: " + line);
        }
        return Double.NaN;
    }

    /** Lets buffers, GC and the broker's stats settle, then samples memory. */
    private Sample sample(boolean sse) throws InterruptedException {
        Thread.sleep(cx.options().quick() ? 500 : 2000);
        long rss = sse ? cx.server().rss() : -1;
        return new Sample(rss, Broker.memory(), cx.brokerPid() > 0 ? Server.rss(cx.brokerPid()) : -1);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
