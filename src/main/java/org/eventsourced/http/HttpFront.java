package org.eventsourced.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eventsourced.broker.BrokerPool;
import org.eventsourced.broker.QueueOptions;
import org.eventsourced.config.Config;
import org.eventsourced.config.LimitsConfig;
import org.eventsourced.config.QueueConfig;
import org.eventsourced.metrics.Expvar;
import org.eventsourced.metrics.Metrics;
import org.eventsourced.sse.StreamRegistry;
import org.eventsourced.sse.StreamSettings;

/**
 * The JDK HTTP server with one virtual thread per request. Owns the listening socket and
 * the accepting flag that shutdown turns off.
 */
public final class HttpFront implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpFront.class.getName());
    /** Pending connections the kernel may queue; the JDK default of 50 refuses bursts. */
    private static final int BACKLOG = 4096;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean accepting = new AtomicBoolean(true);

    private HttpFront(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds and starts serving. */
    public static HttpFront start(Config config, BrokerPool pool, StreamRegistry registry, Metrics metrics,
            Expvar expvar) throws IOException {
        configureJdkServer(config.limits());
        InetSocketAddress address = new InetSocketAddress(config.server().host(), config.server().port());
        HttpServer server = HttpServer.create(address, BACKLOG);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(requestThreads(metrics));
        HttpFront front = new HttpFront(server, executor);
        StreamHandler streams = new StreamHandler(config.queue().pattern(),
                new Subscriptions(pool, QueueOptions.of(config.queue()), registry,
                        config.queue().takeover() == QueueConfig.Takeover.RECONNECT), registry, StreamSettings.of(config),
                config.header().sse(), metrics, front.accepting::get, new Access(config.auth(), metrics),
                maxStreams(config.limits()));
        StatusHandler status = new StatusHandler(expvar, pool, metrics, front.accepting::get);
        server.createContext("/", new Router(new Cors(config.header().cors()),
                new RequestLimits(config.limits(), metrics), streams, status, metrics));
        server.setExecutor(executor);
        server.start();
        LOG.log(System.Logger.Level.INFO, "listening on " + front.address().getHostString() + ":"
                + front.address().getPort());
        return front;
    }

    /**
     * The JDK server reads these once, when its first instance is made, so they are set here
     * and only here: the time a client has to send its request head (slowloris), caps on
     * header count and size above ours so absurd heads are cut before they are parsed, and
     * TCP_NODELAY on every connection: a stream already coalesces its writes and flushes once
     * per batch, so Nagle's algorithm could only hold a flush back until the client acked the
     * previous one.
     */
    private static void configureJdkServer(LimitsConfig limits) {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(limits.headTimeout().toSeconds()));
        System.setProperty("sun.net.httpserver.maxReqHeaders", Integer.toString(Math.max(200, 2 * limits.headerCount())));
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(2 * limits.headerBytes()));
    }

    /** The configured cap, or what the process's file descriptors allow (one socket per stream). */
    private static int maxStreams(LimitsConfig limits) {
        if (limits.maxStreams() > 0) {
            return limits.maxStreams();
        }
        long fds = FileDescriptors.limit();
        return fds <= 0 ? 10_000 : (int) Math.max(16, Math.min(Integer.MAX_VALUE, fds - FileDescriptors.RESERVED));
    }

    private static ThreadFactory requestThreads(Metrics metrics) {
        ThreadFactory virtual = Thread.ofVirtual().name("http-", 0)
                .uncaughtExceptionHandler((t, e) -> System.getLogger(HttpFront.class.getName())
                        .log(System.Logger.Level.ERROR, "uncaught in " + t.getName(), e))
                .factory();
        return task -> virtual.newThread(() -> {
            metrics.requestThreadStarted();
            try {
                task.run();
            } finally {
                metrics.requestThreadEnded();
            }
        });
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** New stream requests get 503 from now on; /healthz turns 503. */
    public void stopAccepting() {
        accepting.set(false);
    }

    /** Closes the listener and every connection still open. Idempotent. */
    @Override
    public void close() {
        accepting.set(false);
        server.stop(0);
        executor.shutdownNow();
    }
}
