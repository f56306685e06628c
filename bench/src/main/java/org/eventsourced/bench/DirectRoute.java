package org.eventsourced.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline: the same queues consumed straight from the broker by a plain amqp-client consumer, declared as the
 * server declares them, with the server's prefetch window, an exclusive consumer, manual acks sent with
 * {@code multiple=true} every half window (and when the stream has everything it expects). Channels go round-robin
 * over as many connections as the server has broker nodes.
 *
 * <p>Openings run on platform threads: amqp-client blocks inside {@code synchronized}, which pins virtual threads
 * on Java 21.
 */
final class DirectRoute implements Route {
    private final Broker broker;
    private final int prefetch;
    private final int spread;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Connection> connections = new ArrayList<>();

    DirectRoute(Broker broker, int prefetch, int connections) {
        this.broker = broker;
        this.prefetch = prefetch;
        this.spread = connections;
    }

    @Override
    public String label() {
        return "direct AMQP";
    }

    private Connection connection(int index) throws IOException, TimeoutException {
        lock.lock();
        try {
            while (connections.size() <= index) {
                connections.add(broker.newConnection("bench-direct-" + connections.size()));
            }
            return connections.get(index);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Batch open(List<String> queues, int firstStream, Ledger ledger, int concurrency) throws Exception {
        Batch batch = new Batch();
        ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
        int threads = Math.min(concurrency, Math.max(1, queues.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("direct-open-", 0).factory());
        try {
            List<Future<Long>> results = new ArrayList<>(queues.size());
            long t0 = System.nanoTime();
            for (int i = 0; i < queues.size(); i++) {
                int stream = firstStream + i;
                String queue = queues.get(i);
                results.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    Channel ch = connection(stream % spread).createChannel();
                    if (ch == null) {
                        throw new IOException("no channel number left on the connection");
                    }
                    channels.add(ch);
                    broker.declare(ch, queue);
                    ch.basicQos(prefetch);
                    ch.basicConsume(queue, false, "", false, true, null,
                            new Reader(ch, ledger.tally(stream), Math.max(1, prefetch / 2)));
                    return System.nanoTime() - start;
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                try {
                    batch.opened(results.get(i).get(120, TimeUnit.SECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    Throwable c = e instanceof ExecutionException ? e.getCause() : e;
                    batch.failed(c.getClass().getSimpleName() + ": " + c.getMessage());
                    ledger.tally(firstStream + i).abandon();
                }
            }
            batch.elapsed(System.nanoTime() - t0);
        } finally {
            pool.shutdownNow();
        }
        batch.add(() -> closeAll(channels, threads));
        return batch;
    }

    /**
     * Closes the channels with as many in flight as the opening had: what a client that lets go of all its
     * subscriptions at once costs the broker, the baseline of the server's release of 10,000 streams.
     */
    private static void closeAll(ConcurrentLinkedQueue<Channel> channels, int threads) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("direct-close-", 0).factory());
        for (Channel ch : channels) {
            pool.execute(() -> Broker.closeQuietly(ch));
        }
        pool.shutdown();
        if (!pool.awaitTermination(120, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (IOException | RuntimeException e) {
                    // closing a connection that is already broken: nothing to report
                }
            }
            connections.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the connection's dispatch pool, one delivery of a channel at a time. */
    private static final class Reader extends DefaultConsumer {
        private final Ledger.Tally tally;
        private final int ackEvery;
        private int unacked;

        Reader(Channel ch, Ledger.Tally tally, int ackEvery) {
            super(ch);
            this.tally = tally;
            this.ackEvery = ackEvery;
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
            long now = System.nanoTime();
            boolean done = tally.onMessage(props.getMessageId(), props.getType(),
                    new String(body, StandardCharsets.UTF_8), now);
            if (++unacked >= ackEvery || done) {
                getChannel().basicAck(envelope.getDeliveryTag(), true);
                unacked = 0;
            }
        }
    }
}
