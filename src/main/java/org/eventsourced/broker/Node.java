package org.eventsourced.broker;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.metrics.NodeStatus;

/**
 * One {@code broker.node} entry: its connections, opened on demand when the existing ones
 * have no channel left and closed again when surplus, and a background reconnector that
 * brings the node back after it was lost (capped exponential backoff with jitter; one log
 * line per state change).
 */
final class Node {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    /**
     * How long the connection's reader lets deliveries gather after a read that drained its
     * socket (see GatheringSocketFactory). 100 us: bench, 100 streams x 200, six runs without
     * against five with: throughput ratio 0.85-0.94 -> 1.00-1.09, server CPU 20.4-26.8 -> 17.9-18.5
     * us and thread switches 1.0-1.4 -> 0.65 per message (the bench's SSE readers 18-25 -> 13-14
     * us: streams woken together write together), latency p99 +0.1-0.2 ms at 1,000 msg/s (since
     * the reader gathers only while deliveries come within twice this of each other, not at that
     * rate at all). 50 us gathered less (0.82 switches), 200 us no more than 100.
     */
    private static final long READ_GATHER_NANOS = 100_000;
    /**
     * Only a read of at least this much starts a gathering wait: more than a lone reply of a
     * stream open (12-60 bytes), after which a wait mostly finds nothing; less than any delivery
     * (one of a 100-byte message is about 220 bytes with its frames) and than most reads that end
     * inside one. Bench, 100 streams, interleaved runs: no gate 16.5-17.2 us and 0.60-0.66
     * switches per message, 64 bytes 16.3-18.7 and 0.63-0.68, 200 bytes 19.4-20.0 and 0.70-0.73.
     * Server CPU per open (scale scenario) moved between 392 and 478 us with no order among the
     * settings that the runs could show.
     */
    private static final int READ_GATHER_MIN_BYTES = 64;

    private final BrokerNode config;
    private final ConnectionFactory factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<NodeConnection> connections = new ArrayList<>(); // guarded by lock
    private Thread reconnector; // guarded by lock
    private volatile boolean up;
    private volatile boolean closed;
    private volatile boolean firstAttemptDone;

    private final ControlBus control;

    Node(BrokerNode config, int channelMax, ExecutorService dispatch, ControlBus control) {
        this.config = config;
        this.factory = factory(config, channelMax, dispatch);
        this.control = control;
    }

    /** Package-private for the tests of which sockets gather and of the hand-off channels. */
    static ConnectionFactory factory(BrokerNode node, int channelMax, ExecutorService dispatch) {
        ConnectionFactory f = HandoffConnection.factory();
        f.setHost(node.host());
        f.setPort(node.port());
        f.setUsername(node.username());
        f.setPassword(node.password());
        f.setVirtualHost(node.virtualHost());
        // we redial ourselves; amqp-client's recovery would re-declare every expired client queue
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        f.setHandshakeTimeout(2 * CONNECT_TIMEOUT_MILLIS);
        f.setShutdownTimeout(1000);
        f.setChannelRpcTimeout(5000);
        f.setRequestedHeartbeat(10);
        f.setSharedExecutor(dispatch);
        if (channelMax > 0) {
            f.setRequestedChannelMax(channelMax);
        }
        if (!node.tls()) {
            f.setSocketFactory(new GatheringSocketFactory(READ_GATHER_NANOS, READ_GATHER_MIN_BYTES));
        } else {
            try {
                f.useSslProtocol(SSLContext.getDefault());
                f.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no TLS available for " + node.masked(), e);
            }
        }
        return f;
    }

    String name() {
        return config.masked();
    }

    boolean isUp() {
        return up;
    }

    /** True until the first connection attempt after start has succeeded or failed. */
    boolean firstAttemptPending() {
        return !firstAttemptDone && !closed;
    }

    void start() {
        lock.lock();
        try {
            startReconnector();
        } finally {
            lock.unlock();
        }
    }

    /** A channel on this node, or null when the node is down or cannot give one now. */
    ChannelLease openChannel() {
        NodeConnection slot = reserveSlot();
        if (slot == null) {
            return null;
        }
        try {
            Channel channel = slot.connection.createChannel();
            if (channel != null) {
                return new ChannelLease(this, slot, channel);
            }
        } catch (IOException | AlreadyClosedException e) {
            LOG.log(System.Logger.Level.DEBUG, "channel on " + name() + " failed: " + e);
        }
        release(slot);
        return null;
    }

    private NodeConnection reserveSlot() {
        if (!up) {
            return null;
        }
        lock.lock();
        try {
            for (NodeConnection c : connections) {
                if (c.tryReserve()) {
                    return c;
                }
            }
            NodeConnection fresh = connect();
            connections.add(fresh);
            LOG.log(System.Logger.Level.INFO, "broker node " + name() + ": connection "
                    + connections.size() + " opened (" + fresh.capacity() + " channels each)");
            return fresh.tryReserve() ? fresh : null;
        } catch (IOException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "broker node " + name() + ": extra connection failed: " + e);
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Called when a channel of {@code c} is closed; drops surplus idle connections. */
    void release(NodeConnection c) {
        if (c.release() > 0) {
            return;
        }
        lock.lock();
        try {
            if (connections.size() > 1 && c.channels() == 0 && connections.remove(c)) {
                LOG.log(System.Logger.Level.INFO, "broker node " + name() + ": surplus connection closed, "
                        + connections.size() + " left");
                Thread.ofVirtual().name("broker-close").start(c::close);
            }
        } finally {
            lock.unlock();
        }
    }

    private NodeConnection connect() throws IOException, TimeoutException {
        NodeConnection c = new NodeConnection(factory.newConnection("eventsourced"));
        c.connection.addShutdownListener(cause -> onLost(c, cause));
        return c;
    }

    private void onLost(NodeConnection c, ShutdownSignalException cause) {
        if (cause.isInitiatedByApplication() || closed) {
            return;
        }
        lock.lock();
        try {
            connections.remove(c);
            if (connections.stream().noneMatch(NodeConnection::isOpen)) {
                connections.clear();
                if (up) {
                    up = false;
                    LOG.log(System.Logger.Level.WARNING, "broker node " + name() + " down: "
                            + cause.getMessage() + "; reconnecting in the background");
                }
                startReconnector();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Must hold the lock. */
    private void startReconnector() {
        if (closed || reconnector != null && reconnector.isAlive()) {
            return;
        }
        reconnector = Thread.ofVirtual().name("broker-reconnect").start(this::reconnect);
    }

    private void reconnect() {
        Backoff backoff = new Backoff();
        boolean reported = false;
        while (!closed) {
            try {
                NodeConnection c = connect();
                control.attach(c);
                lock.lock();
                try {
                    connections.add(c);
                    up = true;
                } finally {
                    lock.unlock();
                }
                firstAttemptDone = true;
                LOG.log(System.Logger.Level.INFO, "broker node " + name() + " up ("
                        + c.capacity() + " channels per connection)");
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                firstAttemptDone = true;
                if (!reported) {
                    LOG.log(System.Logger.Level.WARNING, "broker node " + name() + " unreachable: " + e
                            + "; retrying in the background");
                    reported = true;
                }
            }
            if (!pause(backoff.next())) {
                return;
            }
        }
    }

    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    NodeStatus status() {
        lock.lock();
        try {
            int channels = connections.stream().mapToInt(NodeConnection::channels).sum();
            return new NodeStatus(name(), up, connections.size(), channels);
        } finally {
            lock.unlock();
        }
    }

    int channelsInUse() {
        return status().channels();
    }

    void close() {
        closed = true;
        up = false;
        lock.lock();
        try {
            if (reconnector != null) {
                reconnector.interrupt();
            }
            connections.forEach(NodeConnection::close);
            connections.clear();
        } finally {
            lock.unlock();
        }
    }
}
