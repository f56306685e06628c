package org.eventsourced.broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eventsourced.config.BrokerConfig;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.metrics.NodeStatus;

/**
 * The one owner of AMQP connections. Every stream borrows its own channel here: from the
 * healthy node with the fewest channels in use (ties go round robin), on a connection of
 * that node with a free channel id, opening another connection when all are full. A node
 * that is down is skipped without waiting.
 */
public final class BrokerPool implements AutoCloseable {
    private final List<Node> nodes;
    private final ExecutorService dispatch;
    private final AtomicInteger turn = new AtomicInteger();
    private final QueueClaims claims = new QueueClaims();
    private final ControlBus control = new ControlBus();

    public BrokerPool(BrokerConfig config) {
        // consumer callbacks only hand deliveries over, so they run on the connection's reader thread
        this.dispatch = new CallerRunsExecutor();
        List<Node> list = new ArrayList<>();
        for (BrokerNode node : config.nodes()) {
            list.add(new Node(node, config.channelMax(), dispatch, control));
        }
        this.nodes = List.copyOf(list);
    }

    /** The channel to the other instances on the same brokers. */
    public ControlBus control() {
        return control;
    }

    /** The queues this instance streams right now. */
    QueueClaims claims() {
        return claims;
    }

    /** Starts connecting every node in the background; returns at once. */
    public void start() {
        nodes.forEach(Node::start);
    }

    public boolean anyConnected() {
        return nodes.stream().anyMatch(Node::isUp);
    }

    /**
     * Right after start the first connection is usually a few hundred milliseconds away: a
     * stream request then waits for it (at most {@code maxNanos}) instead of getting a 503,
     * which would close a browser's EventSource for good. Once every node has had its first
     * attempt, nothing waits: a node that is down is skipped at once.
     */
    public void awaitFirstConnection(long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        while (!anyConnected() && nodes.stream().anyMatch(Node::firstAttemptPending)
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    public List<NodeStatus> status() {
        return nodes.stream().map(Node::status).toList();
    }

    /**
     * Borrows a channel; never waits on a node that is down.
     *
     * @throws BrokerUnavailableException when no node can give one
     */
    ChannelLease openChannel() throws BrokerUnavailableException {
        for (Node node : candidates()) {
            ChannelLease lease = node.openChannel();
            if (lease != null) {
                return lease;
            }
        }
        throw new BrokerUnavailableException("no broker node is connected");
    }

    private List<Node> candidates() {
        int start = Math.floorMod(turn.getAndIncrement(), nodes.size());
        List<Node> up = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get((start + i) % nodes.size());
            if (node.isUp()) {
                up.add(node);
            }
        }
        // stable sort keeps the round-robin order among equally loaded nodes
        up.sort(Comparator.comparingInt(Node::channelsInUse));
        return up;
    }

    /** Closes every connection; open streams see their channels end. Idempotent. */
    @Override
    public void close() {
        nodes.forEach(Node::close);
        dispatch.shutdownNow();
    }
}
