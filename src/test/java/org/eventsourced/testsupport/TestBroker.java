package org.eventsourced.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The RabbitMQ the tests talk to, found once per test JVM: {@code EVENTSOURCED_TEST_AMQP}
 * if set, else 127.0.0.1:5672 if it answers, else a Testcontainers RabbitMQ; failing that,
 * every test that needs a broker fails with a message saying how to provide one.
 */
public final class TestBroker {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static TestBroker instance;

    private final URI uri;
    private final Connection connection;

    private TestBroker(URI uri) throws Exception {
        this.uri = uri;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        if (uri.getPath() == null || uri.getPath().equals("/") || uri.getPath().isEmpty()) {
            // as in the server's config: a bare trailing slash means the default vhost
            factory.setVirtualHost("/");
        }
        this.connection = factory.newConnection("eventsourced-tests");
    }

    public static TestBroker get() {
        LOCK.lock();
        try {
            if (instance == null) {
                instance = new TestBroker(locate());
            }
            return instance;
        } catch (Exception e) {
            throw new AssertionError("cannot connect to the test broker: " + e, e);
        } finally {
            LOCK.unlock();
        }
    }

    private static URI locate() {
        String configured = System.getenv("EVENTSOURCED_TEST_AMQP");
        if (configured != null && !configured.isBlank()) {
            return URI.create(configured.trim());
        }
        if (answers("127.0.0.1", 5672)) {
            return URI.create("amqp://guest:guest@127.0.0.1:5672/");
        }
        try {
            return Containers.rabbitMq();
        } catch (Throwable e) {
            throw new AssertionError("""
                    No RabbitMQ for the tests. Provide one of:
                      - a broker at 127.0.0.1:5672 with guest/guest
                        (Debian: apt-get install rabbitmq-server && rabbitmq-server -detached),
                      - EVENTSOURCED_TEST_AMQP=amqp://user:pass@host:port/vhost,
                      - a Docker engine, for a Testcontainers RabbitMQ.
                    Testcontainers said:\s""" + e, e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The broker's URL, for a server config's {@code broker.node}. */
    public String url() {
        return uri.toString();
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort() < 0 ? 5672 : uri.getPort();
    }

    /** A queue name no other test uses. */
    public static String uniqueQueue(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public void publish(String queue, String body) {
        publish(queue, body.getBytes(StandardCharsets.UTF_8), null);
    }

    public void publish(String queue, byte[] body, AMQP.BasicProperties properties) {
        withChannel(ch -> ch.basicPublish("", queue, properties, body));
    }

    /** Declares a queue the way the server does, so messages can wait before a stream opens. */
    public void declare(String queue, long expireMillis) {
        withChannel(ch -> ch.queueDeclare(queue, true, false, false, Map.of("x-expires", expireMillis)));
    }

    public long messageCount(String queue) {
        long[] count = new long[1];
        withChannel(ch -> count[0] = ch.queueDeclarePassive(queue).getMessageCount());
        return count[0];
    }

    public long consumerCount(String queue) {
        long[] count = new long[1];
        withChannel(ch -> count[0] = ch.queueDeclarePassive(queue).getConsumerCount());
        return count[0];
    }

    public boolean queueExists(String queue) {
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public void delete(String queue) {
        withChannel(ch -> ch.queueDelete(queue));
    }

    /** Runs {@code work} on a fresh channel, closed afterwards. */
    public void withChannel(ChannelWork work) {
        try (Channel ch = connection.createChannel()) {
            work.run(ch);
        } catch (Exception e) {
            throw new AssertionError("broker call failed: " + e, e);
        }
    }

    /** Work on a channel. */
    @FunctionalInterface
    public interface ChannelWork {
        void run(Channel channel) throws Exception;
    }
}
