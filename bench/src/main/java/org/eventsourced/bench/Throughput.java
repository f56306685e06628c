package org.eventsourced.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Throughput: N messages to one stream, and S streams x M messages, published while the readers are open; and N
 * messages queued before the reader opens. Timed from the first publish (or from opening, when queued before) to
 * the last message read. Each figure is the median of the rounds; every round runs both routes, and which one goes
 * first alternates between rounds.
 */
final class Throughput {
    /**
     * One timed run: messages read per second (NaN if not every message arrived), and the CPU used and the server's
     * context switches meanwhile (-1 where unknown).
     */
    private record Round(double rate, long messages, long[] cpu, long serverSwitches) {
    }

    private final Context cx;
    private int measurement;
    private boolean busyChecked;

    Throughput(Context cx) {
        this.cx = cx;
    }

    void run() throws Exception {
        Options o = cx.options();
        cx.report().section("throughput (msg/s, " + o.size() + "-byte bodies, prefetch " + o.prefetch()
                + ", median of " + o.rounds() + ")");
        measure("1 stream x " + o.singleMessages() + ", published live", 1, o.singleMessages(), false);
        measure(o.multiStreams() + " streams x " + o.multiMessages() + ", published live",
                o.multiStreams(), o.multiMessages(), false);
        measure("1 stream x " + o.singleMessages() + ", queued before open", 1, o.singleMessages(), true);
        cx.checkServerIdle("throughput");
    }

    /**
     * Unreported load before anything is measured: both routes carry 1-stream and multi-stream runs, in turns, for
     * {@code seconds} each. The server's JIT compiles its delivery path under the first 100,000 messages or so (C2
     * compiler threads then take up to half of the server's CPU on 2 cores), and so does the bench's own AMQP and SSE
     * reading code; a server in production has long done that. The rates of the first and last warm-up rounds go to
     * the notes, so the cost of a cold start stays visible.
     */
    void warmUp(int seconds) throws Exception {
        Options o = cx.options();
        for (Route r : cx.routes()) {
            long until = System.nanoTime() + seconds * 1_000_000_000L;
            List<Double> rates = new java.util.ArrayList<>();
            do {
                rates.add(once(r, 1, o.singleMessages(), false, false).rate());
                once(r, o.multiStreams(), o.multiMessages(), false, false);
            } while (System.nanoTime() < until);
            cx.report().note("warm-up " + r.label() + ": " + rates.size() + " rounds of 1 stream x " + o.singleMessages()
                    + " and " + o.multiStreams() + " x " + o.multiMessages() + " in " + seconds + " s; 1 stream: first "
                    + Report.fmt("%.0f", rates.getFirst()) + " msg/s, last " + Report.fmt("%.0f", rates.getLast()));
        }
    }

    private void measure(String label, int streams, int perStream, boolean queuedFirst) throws Exception {
        List<Route> routes = cx.routes();
        for (Route r : routes) {
            once(r, streams, Math.max(100, perStream / 4), queuedFirst, false); // warm-up, not reported
        }
        double[][] rates = new double[routes.size()][cx.options().rounds()];
        long[][] cpu = new long[routes.size()][4];
        long[] switches = new long[routes.size()];
        long[] messages = new long[routes.size()];
        for (int round = 0; round < rates[0].length; round++) {
            for (int k = 0; k < routes.size(); k++) {
                // the route that goes first alternates, so that what a round leaves the broker and the JVMs to
                // finish (the streams it ended are awaited in once()) weighs on each route alike
                int i = round % 2 == 0 ? k : routes.size() - 1 - k;
                Round r = once(routes.get(i), streams, perStream, queuedFirst, true);
                rates[i][round] = r.rate();
                messages[i] += r.messages();
                for (int c = 0; c < cpu[i].length; c++) {
                    cpu[i][c] = cpu[i][c] < 0 || r.cpu()[c] < 0 ? -1 : cpu[i][c] + r.cpu()[c];
                }
                switches[i] = switches[i] < 0 || r.serverSwitches() < 0 ? -1 : switches[i] + r.serverSwitches();
            }
        }
        double base = Double.NaN, es = Double.NaN;
        for (int i = 0; i < routes.size(); i++) {
            double m = median(rates[i]);
            cx.report().note(label + ", " + routes.get(i).label() + ": rounds " + Arrays.toString(round(rates[i]))
                    + " msg/s, median " + Report.fmt("%.0f", m) + "; CPU per message: server "
                    + perMessage(cpu[i][0], messages[i], routes.get(i) instanceof SseRoute)
                    + jit(cpu[i][3], messages[i], routes.get(i) instanceof SseRoute) + ", broker "
                    + perMessage(cpu[i][1], messages[i], true) + ", bench " + perMessage(cpu[i][2], messages[i], true)
                    + switchesPerMessage(switches[i], messages[i], routes.get(i) instanceof SseRoute));
            if (routes.get(i) instanceof SseRoute) {
                es = m;
            } else {
                base = m;
            }
        }
        cx.report().row(label, es, base, "%.0f", ">= 0.90");
    }

    /**
     * The part of the server's CPU that its JIT compilers took, per message (or per open, for Scale): compiling
     * is a cost of a young server only.
     */
    static String jit(long cpuNanos, long messages, boolean applies) {
        return !applies || cpuNanos < 0 || messages == 0 ? ""
                : " (of which JIT compilers " + perMessage(cpuNanos, messages, true) + ")";
    }

    private static String perMessage(long cpuNanos, long messages, boolean applies) {
        return !applies ? "-" : cpuNanos < 0 || messages == 0 ? "?" : Report.fmt("%.1f us", cpuNanos / 1e3 / messages);
    }

    private static String switchesPerMessage(long switches, long messages, boolean applies) {
        return !applies || switches < 0 || messages == 0 ? ""
                : Report.fmt("; server context switches per message %.2f", (double) switches / messages);
    }

    private Round once(Route route, int streams, int perStream, boolean queuedFirst, boolean counted)
            throws Exception {
        Options o = cx.options();
        List<String> queues = cx.names("tp" + (measurement++) + "-" + Context.tag(route), streams);
        Ledger ledger = Ledger.of(streams, perStream, false, o.bodies());
        Batch batch = null;
        try (Broker.Publisher pub = cx.broker().publisher(o.bodies())) {
            // CPU and switches count over the timed part only: opening the streams (live) or filling the queues
            // (queued) is not what the rate measures
            long t0;
            long[] cpu0;
            long switches0;
            if (queuedFirst) {
                for (String q : queues) {
                    cx.broker().declare(pub.channel(), q);
                }
                pub.confirms();
                publishAll(pub, queues, perStream);
                pub.awaitConfirms(120_000);
                cpu0 = cx.cpu();
                switches0 = cx.serverContextSwitches();
                t0 = System.nanoTime();
                batch = route.open(queues, 0, ledger, 10);
            } else {
                batch = route.open(queues, 0, ledger, 10);
                if (counted && streams > 1 && !busyChecked && route instanceof SseRoute) {
                    busyChecked = true;
                    secondStreamGets503(queues.getFirst());
                }
                cpu0 = cx.cpu();
                switches0 = cx.serverContextSwitches();
                t0 = System.nanoTime();
                publishAll(pub, queues, perStream);
            }
            boolean complete = ledger.await(o.stallMillis(), 300_000);
            long[] cpu = cx.cpu();
            for (int c = 0; c < cpu.length; c++) {
                // a compiler thread that ended took its time along (Server.compilerCpuNanos): never below 0
                cpu[c] = cpu[c] < 0 || cpu0[c] < 0 ? -1 : Math.max(0, cpu[c] - cpu0[c]);
            }
            long switches1 = cx.serverContextSwitches();
            long switched = switches1 < 0 || switches0 < 0 ? -1 : switches1 - switches0;
            Ledger.Summary s;
            Thread.sleep(100); // a quiet moment so that duplicates or strays still in flight are counted
            s = ledger.summary();
            if (counted) {
                cx.verification().add(route, s, batch.failedCount(), complete);
            }
            if (batch.failedCount() > 0) {
                cx.report().note(route.label() + " " + queues.getFirst() + "..: open failures " + batch.failures());
            }
            if (!complete) {
                cx.report().note(route.label() + " " + queues.getFirst() + "..: only " + s.unique() + " of "
                        + s.expected() + " messages arrived (no progress for " + o.stallMillis() + " ms)");
                return new Round(Double.NaN, s.unique(), cpu, switched);
            }
            return new Round(s.unique() / ((s.lastReadNanos() - t0) / 1e9), s.unique(), cpu, switched);
        } finally {
            if (batch != null) {
                batch.close();
            }
            cx.broker().delete(queues);
            if (route instanceof SseRoute && !cx.awaitServerStreamsEnded()) {
                cx.report().note(route.label() + " " + queues.getFirst() + "..: the server still counted open streams "
                        + "30 s after they were closed and their queues deleted");
            }
        }
    }

    /** The 503 guarantee: a second client on a queue that is being streamed is refused and takes nothing. */
    private void secondStreamGets503(String queue) throws InterruptedException {
        SseStream second = SseStream.start(cx.server().address(), queue, null, cx.anomalies(), () -> { }, false);
        SseStream.Open o = second.awaitOpen(java.time.Duration.ofSeconds(35));
        second.close();
        second.join(java.time.Duration.ofSeconds(5));
        String seen = o.ok() ? "200, streaming" : o.status() > 0 ? "HTTP " + o.status() + " " + o.reason() : o.reason();
        cx.verification().busy(o.status() == 503, seen);
        cx.report().note("second stream on busy queue " + queue + ": " + seen);
    }

    static void publishAll(Broker.Publisher pub, List<String> queues, int perStream) throws Exception {
        for (int seq = 0; seq < perStream; seq++) {
            for (int k = 0; k < queues.size(); k++) {
                pub.publish(queues.get(k), k, seq);
            }
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v); // NaN sorts last, so a failed round pulls the median up only if most rounds failed
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long[] round(double[] v) {
        return Arrays.stream(v).mapToLong(Math::round).toArray();
    }
}
