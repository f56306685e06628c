package org.eventsourced.broker;

import com.rabbitmq.client.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** One AMQP connection of a node and the number of channel slots taken on it. */
final class NodeConnection {
    final Connection connection;
    private final int capacity;
    private final AtomicInteger channels = new AtomicInteger();

    NodeConnection(Connection connection) {
        this.connection = connection;
        int negotiated = connection.getChannelMax();
        // 0 means "no limit" in AMQP; channel 0 is the connection's own
        this.capacity = negotiated == 0 ? 65535 : negotiated;
    }

    /** Takes a channel slot if one is free. */
    boolean tryReserve() {
        while (true) {
            int taken = channels.get();
            if (taken >= capacity || !connection.isOpen()) {
                return false;
            }
            if (channels.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
    }

    /** Gives a slot back; returns the slots still taken. */
    int release() {
        return channels.decrementAndGet();
    }

    int channels() {
        return channels.get();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    int capacity() {
        return capacity;
    }

    /** Closes the connection; errors mean it was already gone. */
    void close() {
        connection.abort(1000);
    }
}
