package org.eventsourced.broker;

import com.rabbitmq.client.Channel;
import java.util.concurrent.atomic.AtomicBoolean;

/** A channel borrowed from the pool; {@link #close()} gives its slot back. Idempotent. */
final class ChannelLease implements AutoCloseable {
    final Channel channel;
    private final Node node;
    private final NodeConnection connection;
    private final AtomicBoolean closed = new AtomicBoolean();

    ChannelLease(Node node, NodeConnection connection, Channel channel) {
        this.node = node;
        this.connection = connection;
        this.channel = channel;
    }

    String nodeName() {
        return node.name();
    }

    /** Closes the channel, which returns every unacked delivery on it to the queue. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (Exception e) {
            // already closing or the connection is gone: the broker requeues either way
        } finally {
            node.release(connection);
        }
    }
}
