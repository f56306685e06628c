package org.eventsourced.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * How instances reach each other through the broker itself, with no other infrastructure:
 * a fanout exchange every instance binds a private queue to. Used to ask whichever instance
 * holds a queue to give it up to a reconnecting client (takeover).
 */
public final class ControlBus {
    static final String EXCHANGE = "eventsourced.control";
    private static final System.Logger LOG = System.getLogger(ControlBus.class.getName());
    private static final String INSTANCE_HEADER = "instance";

    /**
     * Tells this instance's own requests from other instances'. Random enough without
     * SecureRandom, whose first use (~40 ms of provider set-up) would sit on the start-up path.
     */
    private final String instance = new UUID(ThreadLocalRandom.current().nextLong(),
            ThreadLocalRandom.current().nextLong()).toString();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Channel> publishers = new ArrayList<>(); // guarded by lock
    private volatile Consumer<String> onTakeoverRequest = queue -> { };

    /** What to do when another instance asks for {@code queue}; called on the connection's reader thread, must not block. */
    public void onTakeoverRequest(Consumer<String> handler) {
        this.onTakeoverRequest = handler;
    }

    /** Subscribes on a fresh node connection; takes two channel slots of it. */
    void attach(NodeConnection connection) {
        try {
            Channel listen = connection.connection.createChannel();
            Channel publish = connection.connection.createChannel();
            listen.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, false, false, null);
            String queue = listen.queueDeclare().getQueue();
            listen.queueBind(queue, EXCHANGE, "");
            listen.basicConsume(queue, true, new DefaultConsumer(listen) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    Object from = properties.getHeaders() == null ? null : properties.getHeaders().get(INSTANCE_HEADER);
                    if (from == null || !instance.equals(from.toString())) {
                        onTakeoverRequest.accept(new String(body, StandardCharsets.UTF_8));
                    }
                }
            });
            connection.tryReserve();
            connection.tryReserve();
            lock.lock();
            try {
                publishers.removeIf(c -> !c.isOpen());
                publishers.add(publish);
            } finally {
                lock.unlock();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "control exchange " + EXCHANGE
                    + " unavailable, takeover across instances disabled on this connection: " + e);
        }
    }

    /** Asks every other instance to end its stream on {@code queue}. */
    public void requestTakeover(String queue) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .headers(Map.of(INSTANCE_HEADER, instance)).build();
        byte[] body = queue.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            publishers.removeIf(c -> !c.isOpen());
            for (Channel channel : publishers) {
                try {
                    channel.basicPublish(EXCHANGE, "", properties, body);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "takeover request not sent: " + e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
