package org.eventsourced.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench's own side of the broker: publishing, declaring and deleting queues, and reading the broker's memory.
 * Every queue name the bench hands out is tracked here so that {@link #close()} deletes whatever is left.
 */
final class Broker implements AutoCloseable {
    private final ConnectionFactory factory;
    private final Map<String, Object> queueArgs;
    private final Connection connection;
    private final Anomalies anomalies;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    private Broker(ConnectionFactory factory, int expireSeconds, Anomalies anomalies) throws Exception {
        this.factory = factory;
        this.queueArgs = Map.of("x-expires", expireSeconds * 1000L);
        this.anomalies = anomalies;
        this.connection = factory.newConnection("bench-publisher");
    }

    static Broker connect(String uri, int expireSeconds, Anomalies anomalies) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        return new Broker(f, expireSeconds, anomalies);
    }

    Connection newConnection(String name) throws IOException, TimeoutException {
        return factory.newConnection(name);
    }

    /** What the server declares: durable, not exclusive, not auto-delete, {x-expires}. */
    void declare(Channel ch, String queue) throws IOException {
        ch.queueDeclare(queue, true, false, false, queueArgs);
    }

    /** Names for {@code count} queues of one measurement, remembered for the final sweep. */
    List<String> names(String prefix, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(prefix + "-" + i);
        }
        created.addAll(out);
        return out;
    }

    Publisher publisher(Bodies bodies) throws IOException {
        Channel ch = connection.createChannel();
        ch.addReturnListener(r -> {
            anomalies.returnedUnroutable.increment();
            anomalies.sample("returned unroutable: " + r.getRoutingKey() + " " + r.getReplyText());
        });
        return new Publisher(ch, bodies);
    }

    /** Deletes queues on a few channels in parallel; returns how many deletes failed. */
    int delete(Collection<String> queues) throws InterruptedException {
        List<String> all = new ArrayList<>(queues);
        int lanes = Math.clamp(all.size() / 500, 1, 8);
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            List<String> mine = new ArrayList<>();
            for (int i = lane; i < all.size(); i += lanes) {
                mine.add(all.get(i));
            }
            threads.add(Thread.ofPlatform().name("delete-" + lane).start(() -> deleteLane(mine, failed)));
        }
        for (Thread t : threads) {
            t.join();
        }
        created.removeAll(all);
        return failed.get();
    }

    private void deleteLane(List<String> queues, AtomicInteger failed) {
        Channel ch = null;
        for (String q : queues) {
            try {
                if (ch == null || !ch.isOpen()) {
                    ch = connection.createChannel();
                }
                ch.queueDelete(q);
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                System.err.println("bench: could not delete queue " + q + ": " + e);
            }
        }
        closeQuietly(ch);
    }

    /**
     * The broker's Erlang VM memory after a full GC of all its processes, in bytes ({@code rabbitmqctl eval}); -1 if
     * rabbitmqctl is not usable here (not local, not root).
     */
    static long memory() {
        String out = rabbitmqctl("-q", "eval", "[erlang:garbage_collect(P) || P <- erlang:processes()], erlang:memory(total).");
        try {
            return Long.parseLong(out.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The broker's OS process id, 0 if unknown. */
    static long osPid() {
        String pid = rabbitmqctl("-q", "eval", "os:getpid().").trim().replace("\"", "");
        return pid.matches("\\d+") ? Long.parseLong(pid) : 0;
    }

    private static String rabbitmqctl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("rabbitmqctl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroy();
                return "";
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Names of the broker's queues that start with {@code prefix}, via rabbitmqctl (empty if unavailable). */
    static List<String> listQueues(String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : rabbitmqctl("-q", "list_queues", "--no-table-headers", "name").split("\n")) {
            line = line.strip();
            if (line.startsWith(prefix)) {
                out.add(line);
            }
        }
        return out;
    }

    /** Queues starting with {@code prefix} that have a consumer, via rabbitmqctl (empty if unavailable). */
    static List<String> queuesWithConsumers(String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : rabbitmqctl("-q", "list_consumers", "--no-table-headers", "queue_name").split("\n")) {
            line = line.strip();
            if (line.startsWith(prefix)) {
                out.add(line);
            }
        }
        return out;
    }

    static boolean rabbitmqctlAvailable() {
        return Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")) || Files.isExecutable(Path.of("/usr/bin/rabbitmqctl"))
                || Files.isExecutable(Path.of("/usr/lib/rabbitmq/bin/rabbitmqctl"));
    }

    /** Deletes every queue the bench named and did not delete yet, then closes the connection. */
    @Override
    public void close() {
        if (!created.isEmpty()) {
            try {
                int failed = delete(List.copyOf(created));
                if (failed > 0) {
                    System.err.println("bench: " + failed + " queues could not be deleted");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.err.println("bench: interrupted while deleting " + created.size() + " queues");
            }
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // closing a connection that is already broken: nothing to report
        }
    }

    static void closeQuietly(Channel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closing a channel that is already broken: nothing to report
        }
    }

    /** One publishing channel; used by one thread at a time. */
    static final class Publisher implements AutoCloseable {
        private final Channel ch;
        private final Bodies bodies;

        private Publisher(Channel ch, Bodies bodies) {
            this.ch = ch;
            this.bodies = bodies;
        }

        /** Publishes message {@code seq} of {@code stream} to the default exchange, mandatory, stamped now. */
        void publish(String queue, int stream, int seq) throws IOException {
            String id = Ledger.id(stream, seq);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .messageId(id).type(Ledger.TYPE).contentType("text/plain").build();
            ch.basicPublish("", queue, true, props, bodies.of(System.nanoTime(), id));
        }

        void confirms() throws IOException {
            ch.confirmSelect();
        }

        void awaitConfirms(long timeoutMillis) throws IOException, InterruptedException, TimeoutException {
            ch.waitForConfirmsOrDie(timeoutMillis);
        }

        Channel channel() {
            return ch;
        }

        @Override
        public void close() {
            closeQuietly(ch);
        }
    }
}
