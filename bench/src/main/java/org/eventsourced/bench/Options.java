package org.eventsourced.bench;

import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command line of the load tool. Defaults are the figures of issue 6; {@code --quick} shrinks them for a smoke run.
 *
 * @param server        eventsourced's address, null = baseline paths only
 * @param serverPid     the server's JVM, for VmRSS; 0 = unknown
 * @param prefetch      the server's queue.prefetch; the AMQP baseline uses the same window
 * @param expireSeconds the server's queue.expire; queues the bench declares itself carry the same x-expires
 * @param heartbeatSeconds the server's server.heartbeat: a client that left must be released within about that long
 * @param connections   AMQP connections of the baseline consumers, channels spread over them in turn (give it the
 *                      number of broker.node entries of the server)
 * @param warmupSeconds how long each route carries unreported load before the throughput and latency scenarios
 * @param platformReaders each SSE stream read by a platform thread instead of a virtual one
 */
record Options(
        String amqp,
        InetSocketAddress server,
        long serverPid,
        int prefetch,
        int expireSeconds,
        Set<String> scenarios,
        boolean quick,
        int singleMessages,
        int multiStreams,
        int multiMessages,
        int rounds,
        int latencyStreams,
        int latencyRate,
        int latencySeconds,
        int scaleStreams,
        int concurrency,
        int size,
        int connections,
        long stallMillis,
        boolean sweep,
        boolean tricky,
        String route,
        int heartbeatSeconds,
        int warmupSeconds,
        boolean platformReaders) {

    static final List<String> ALL = List.of("throughput", "latency", "scale");

    static final String USAGE = """
            usage: bench [options]
              --amqp URI            broker (default amqp://guest:guest@127.0.0.1:5672/%2f)
              --server HOST:PORT    eventsourced to measure (omit: baseline paths only)
              --server-pid PID      the server's JVM, for RSS from /proc
              --prefetch N          the server's queue.prefetch, used by the AMQP baseline too (default 2000)
              --expire S            the server's queue.expire in seconds (default 600)
              --heartbeat S         the server's server.heartbeat in seconds (default 15)
              --scenarios LIST      comma-separated: throughput,latency,scale (default all)
              --quick               small counts, for a smoke run under a minute
              --route R             both (default), sse (eventsourced only), amqp (baseline only), or
                                    sse,amqp: both, eventsourced first where the scenarios run one route
                                    after the other (latency, scale; a check of what the order does)
              --readers KIND        threads that read the SSE streams: virtual (default) or platform (one OS
                                    thread per stream, a hop less per message; see bench/README.md)
              --sweep               only delete the broker's esbench-* queues (left by an interrupted run)
              --messages N          throughput: messages for the 1-stream runs (default 20000)
              --multi SxM           throughput: S streams x M messages (default 100x200)
              --rounds N            throughput: measured rounds per figure, median reported (default 11)
              --warmup S            seconds of unreported load per route before throughput and latency, so that
                                    both JVMs run compiled code when measured (default 15, --quick 3, 0 = none)
              --latency SxRxT       latency: S streams, R msg/s, T seconds (default 100x1000x10)
              --streams N           scale: idle streams to open (default 10000)
              --concurrency N       scale: opens in flight (default 100)
              --size N              message body bytes (default 100)
              --tricky              bodies get a multi-line UTF-8 tail whose lines look like SSE fields
              --connections N       baseline AMQP consumer connections, channels round-robin over them
                                    (default: one per 1800 scale streams, as many as the server's broker.node list)
            """;

    static Options parse(String[] args) {
        String amqp = "amqp://guest:guest@127.0.0.1:5672/%2f";
        InetSocketAddress server = null;
        long pid = 0;
        int prefetch = 2000, expire = 600, heartbeat = 15;
        Set<String> scenarios = new LinkedHashSet<>(ALL);
        boolean quick = false, sweep = false, tricky = false, platformReaders = false;
        Integer messages = null, rounds = null, streams = null, warmup = null;
        int[] multi = null, latency = null;
        int concurrency = 100, size = 100;
        Integer connections = null;
        String route = "both";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--sweep" -> sweep = true;
                case "--tricky" -> tricky = true;
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("unknown option or missing value: " + a);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--amqp" -> amqp = v;
                        case "--server" -> server = address(v);
                        case "--server-pid" -> pid = Long.parseLong(v);
                        case "--prefetch" -> prefetch = positive(a, v);
                        case "--expire" -> expire = positive(a, v);
                        case "--heartbeat" -> heartbeat = positive(a, v);
                        case "--scenarios" -> {
                            scenarios.clear();
                            for (String s : v.split(",")) {
                                if (!ALL.contains(s.trim())) {
                                    throw new IllegalArgumentException("unknown scenario " + s + ", expected " + ALL);
                                }
                                scenarios.add(s.trim());
                            }
                        }
                        case "--messages" -> messages = positive(a, v);
                        case "--multi" -> multi = dims(a, v, 2);
                        case "--rounds" -> rounds = positive(a, v);
                        case "--warmup" -> warmup = Integer.parseInt(v);
                        case "--latency" -> latency = dims(a, v, 3);
                        case "--streams" -> streams = positive(a, v);
                        case "--concurrency" -> concurrency = positive(a, v);
                        case "--size" -> size = positive(a, v);
                        case "--connections" -> connections = positive(a, v);
                        case "--route" -> {
                            if (!List.of("both", "sse", "amqp", "sse,amqp").contains(v)) {
                                throw new IllegalArgumentException("--route wants both, sse, amqp or sse,amqp, got " + v);
                            }
                            route = v;
                        }
                        case "--readers" -> {
                            if (!List.of("virtual", "platform").contains(v)) {
                                throw new IllegalArgumentException("--readers wants virtual or platform, got " + v);
                            }
                            platformReaders = v.equals("platform");
                        }
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                }
            }
        }
        if (multi == null) {
            multi = quick ? new int[] {20, 100} : new int[] {100, 200};
        }
        if (latency == null) {
            latency = quick ? new int[] {100, 1000, 3} : new int[] {100, 1000, 10};
        }
        int scaleStreams = streams != null ? streams : quick ? 1000 : 10_000;
        return new Options(amqp, server, pid, prefetch, expire, scenarios, quick,
                messages != null ? messages : quick ? 5000 : 20_000,
                multi[0], multi[1],
                rounds != null ? rounds : quick ? 1 : 11,
                latency[0], latency[1], latency[2],
                scaleStreams,
                concurrency, size,
                connections != null ? connections : connectionsFor(scaleStreams),
                quick ? 5_000 : 15_000,
                sweep, tricky, route, heartbeat,
                warmup != null ? Math.max(0, warmup) : quick ? 3 : 15, platformReaders);
    }

    Bodies bodies() {
        return new Bodies(size, tricky);
    }

    /** Connections for {@code streams} channels: RabbitMQ allows 2047 per connection, keep a margin. */
    static int connectionsFor(int streams) {
        return Math.max(1, (streams + 1799) / 1800);
    }

    private static InetSocketAddress address(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server wants HOST:PORT, got " + v);
        }
        return new InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
    }

    private static int positive(String opt, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException(opt + " must be positive, got " + v);
        }
        return n;
    }

    private static int[] dims(String opt, String v, int count) {
        String[] parts = v.split("x");
        if (parts.length != count) {
            throw new IllegalArgumentException(opt + " wants " + count + " numbers joined by x, got " + v);
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = positive(opt, parts[i]);
        }
        return out;
    }
}
