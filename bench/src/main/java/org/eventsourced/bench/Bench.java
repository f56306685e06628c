package org.eventsourced.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Entry point: runs the selected scenarios against the baseline route and (when {@code --server} is given)
 * eventsourced, then prints the table. Exit status: 0 all verified, 3 a message was lost, duplicated or mangled
 * or a stream misbehaved, 2 bad usage, 1 the bench itself failed.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            System.exit(o.sweep() ? sweep(o) : run(o));
        } catch (Exception e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Deletes queues left by runs that did not get to their own cleanup. */
    private static int sweep(Options o) throws Exception {
        List<String> left = Broker.listQueues("esbench-");
        if (left.isEmpty()) {
            return 0;
        }
        try (Broker broker = Broker.connect(o.amqp(), o.expireSeconds(), new Anomalies())) {
            int failed = broker.delete(left);
            System.err.println("bench: swept " + (left.size() - failed) + " esbench-* queues left by an earlier run"
                    + (failed > 0 ? ", " + failed + " could not be deleted" : ""));
            return failed == 0 ? 0 : 1;
        }
    }

    private static int run(Options o) throws Exception {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        Anomalies anomalies = new Anomalies();
        Report report = new Report();
        Verification verification = new Verification();
        Server server = o.server() == null ? null : new Server(o.server(), o.serverPid());
        System.err.println("bench: run " + runId + ", scenarios " + o.scenarios() + (o.quick() ? " (quick)" : "")
                + ", server " + (server == null ? "none (baseline only)" : o.server() + " pid " + o.serverPid()));
        if (!Broker.rabbitmqctlAvailable()) {
            report.note("rabbitmqctl not found: broker memory figures are missing");
        }
        long t0 = System.nanoTime();
        try (Broker broker = Broker.connect(o.amqp(), o.expireSeconds(), anomalies);
             DirectRoute direct = new DirectRoute(broker, o.prefetch(), o.connections())) {
            List<Route> routes = new ArrayList<>();
            if (!o.route().equals("sse") || server == null) {
                routes.add(direct);
            }
            if (server != null && !o.route().equals("amqp")) {
                routes.add(new SseRoute(server, anomalies, o.platformReaders()));
                int open = server.consumers();
                if (open != 0) {
                    report.note("before the run /debug/vars Consumer was " + open + " (expected 0)");
                }
            }
            if (o.route().equals("sse,amqp")) {
                Collections.reverse(routes);
                report.note("routes in the order eventsourced, direct AMQP (--route sse,amqp)");
            }
            Context cx = new Context(o, broker, List.copyOf(routes), server, report, verification, anomalies, runId,
                    Broker.osPid());
            if (o.warmupSeconds() > 0 && (o.scenarios().contains("throughput") || o.scenarios().contains("latency"))) {
                new Throughput(cx).warmUp(o.warmupSeconds());
            }
            for (String scenario : o.scenarios()) {
                long s0 = System.nanoTime();
                switch (scenario) {
                    case "throughput" -> new Throughput(cx).run();
                    case "latency" -> new Latency(cx).run();
                    case "scale" -> new Scale(cx).run();
                    default -> throw new IllegalStateException(scenario);
                }
                report.note(scenario + " took " + (System.nanoTime() - s0) / 1_000_000_000 + " s");
            }
        }
        verification.report(report, anomalies, server != null);
        for (String a : anomalies.describe()) {
            report.note("anomalies: " + a);
        }
        long bad = verification.violations("eventsourced") + verification.violations("direct AMQP")
                + anomalies.total() + (verification.busyViolated() ? 1 : 0);
        System.out.println();
        System.out.print(report.render());
        System.out.println("total time " + (System.nanoTime() - t0) / 1_000_000_000 + " s; verdict: "
                + (bad == 0 ? "every message read exactly once" : bad + " violations (see notes)"));
        return bad == 0 ? 0 : 3;
    }
}
