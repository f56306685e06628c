package org.eventsourced;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.eventsourced.broker.BrokerPool;
import org.eventsourced.broker.Handoff;
import org.eventsourced.config.Config;
import org.eventsourced.http.HttpFront;
import org.eventsourced.memory.HeapPacer;
import org.eventsourced.metrics.Expvar;
import org.eventsourced.metrics.Metrics;
import org.eventsourced.metrics.NodeStatus;
import org.eventsourced.sse.StreamRegistry;

/**
 * A running eventsourced: the broker pool, the open streams and the HTTP front, wired
 * together. Tests start it on port 0; {@link Main} starts it from the command line.
 *
 * <p>Shutdown order, in one place: stop accepting (new streams get 503, /healthz 503), tell
 * every open stream to come back later (a final {@code retry:}), wait for them to close their
 * channels (unacked messages return to their queues) up to the timeout, close the HTTP
 * server and every remaining connection, then the broker connections.
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Server.class.getName());

    private final Config config;
    private final Metrics metrics;
    private final BrokerPool pool;
    private final StreamRegistry registry;
    private final HttpFront front;
    private final Optional<HeapPacer> heapPacer;
    private final ReentrantLock shutdownLock = new ReentrantLock();
    private boolean stopped; // guarded by shutdownLock

    private Server(Config config, Metrics metrics, BrokerPool pool, StreamRegistry registry, HttpFront front,
            Optional<HeapPacer> heapPacer) {
        this.config = config;
        this.metrics = metrics;
        this.pool = pool;
        this.registry = registry;
        this.front = front;
        this.heapPacer = heapPacer;
    }

    /** Starts serving; a broker that is not reachable yet is retried in the background. */
    public static Server start(Config config, List<String> cmdline) throws IOException {
        Metrics metrics = new Metrics();
        BrokerPool pool = new BrokerPool(config.broker());
        pool.start();
        StreamRegistry registry = new StreamRegistry(metrics, config.server().writeTimeout());
        Expvar expvar = new Expvar(metrics, pool::status, cmdline);
        try {
            HttpFront front = HttpFront.start(config, pool, registry, metrics, expvar);
            Optional<HeapPacer> heapPacer = HeapPacer.start(metrics::endedStreams, pacing -> {
                if (pacing.collected()) {
                    metrics.forcedCollection();
                }
            });
            return new Server(config, metrics, pool, registry, front, heapPacer);
        } catch (IOException | RuntimeException e) {
            registry.close();
            pool.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return front.address();
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Each broker node's state, as /debug/vars shows it. */
    public List<NodeStatus> nodeStatus() {
        return pool.status();
    }

    /** Graceful drain, bounded by {@code server.shutdown_timeout}. Idempotent. */
    @Override
    public void close() {
        shutdownLock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            drain(config.server().shutdownTimeout());
        } finally {
            shutdownLock.unlock();
        }
    }

    private void drain(Duration timeout) {
        front.stopAccepting();
        int told = registry.endAll(new Handoff.End(Handoff.Reason.SHUTDOWN, "server shutting down"));
        LOG.log(System.Logger.Level.INFO, "shutting down: " + told + " open streams told to reconnect later");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (metrics.openStreams() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        if (metrics.openStreams() > 0) {
            LOG.log(System.Logger.Level.WARNING, metrics.openStreams() + " streams still open after "
                    + timeout.toSeconds() + " s; closing them");
        }
        front.close();
        registry.close();
        pool.close();
        heapPacer.ifPresent(HeapPacer::close);
        LOG.log(System.Logger.Level.INFO, "stopped");
    }
}
