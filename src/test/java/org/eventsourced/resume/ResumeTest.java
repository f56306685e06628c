package org.eventsourced.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.time.Duration;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reconnects with Last-Event-ID lose nothing and repeat nothing. */
class ResumeTest {
    private static final int MESSAGES = 10_000;
    private static final TestBroker BROKER = TestBroker.get();

    static List<String> publish(String queue, int from, int to) {
        List<String> sent = new ArrayList<>();
        BROKER.withChannel(ch -> {
            for (int i = from; i < to; i++) {
                String id = "m" + i;
                ch.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId(id).build(),
                        ("text " + i).getBytes(StandardCharsets.UTF_8));
                sent.add("text " + i);
            }
        });
        return sent;
    }

    static String firstDifference(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "at " + i + " expected '" + expected.get(i) + "' got '" + actual.get(i) + "'; around: "
                        + actual.subList(Math.max(0, i - 5), Math.min(actual.size(), i + 30));
            }
        }
        return "lengths " + expected.size() + " and " + actual.size();
    }

    /**
     * Publishes {@code total} messages (ids m0.., texts "text 0"..) at about {@code perSecond} in the background. A stream can
     * only resume what is still unacked; messages published at a rate the client keeps up with
     * stay within the ack window while in transit (see README: delivery.ack_window).
     */
    static Thread publishPaced(String queue, int total, int perSecond) {
        // one channel for all: ordering across channels is not guaranteed (quorum queues reorder)
        return Thread.ofVirtual().name("paced-publisher").start(() -> BROKER.withChannel(ch -> {
            long start = System.nanoTime();
            int batch = Math.max(1, perSecond / 100);
            for (int i = 0; i < total; i++) {
                ch.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId("m" + i).build(),
                        ("text " + i).getBytes(StandardCharsets.UTF_8));
                if (i % batch == batch - 1) {
                    long due = start + (i + 1) * 1_000_000_000L / perSecond;
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
            }
        }));
    }

    static List<String> texts(int total) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            texts.add("text " + i);
        }
        return texts;
    }

    static String traceAround(List<String> expected, ResumingClient client) {
        List<String> actual = client.processed();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return client.trace().subList(Math.max(0, i - 5), Math.min(actual.size(), i + 10)).toString();
            }
        }
        return "";
    }

    static List<Integer> dropPoints(long seed, int count, int total) {
        Random random = new Random(seed);
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < count) {
            points.add(1 + random.nextInt(total - 1));
        }
        return new ArrayList<>(points);
    }

    @Test
    void lastEventIdQueryParameterResumesLikeTheHeader() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                """)) {
            String queue = TestBroker.uniqueQueue("resume-query");
            try {
                SseClient first = server.stream(queue);
                first.readUntil("\n\n", Duration.ofSeconds(10));
                publish(queue, 0, 10);
                first.nextEvents(10, Duration.ofSeconds(10));
                first.abort();
                server.awaitOpenStreams(0);
                try (SseClient again = SseClient.get(server.address(), "/?id=" + queue + "&lastEventId=m4")) {
                    SseParser.Event next = again.nextEvent(Duration.ofSeconds(10));
                    assertEquals("text 5", next.data(), "m0..m4 skipped");
                    assertEquals("m5", next.lastEventId());
                }
            } finally {
                BROKER.delete(queue);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "quorum"})
    void abruptDropsAtRandomPointsEndWithExactlyThePublishedSequence(String type) throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                queue:
                  type: %s
                  prefetch: 3000
                delivery:
                  ack_window: 2000
                """.formatted(type))) {
            String queue = TestBroker.uniqueQueue("resume-" + type);
            try {
                ResumingClient client = new ResumingClient(queue);
                client.connect(server::address);
                List<String> sent = texts(MESSAGES);
                Thread publisher = publishPaced(queue, MESSAGES, 2000);
                int done = 0;
                try {
                    for (int point : dropPoints(7, 20, MESSAGES)) {
                        client.process(point - done);
                        done = point;
                        client.drop();
                        client.connect(server::address);
                    }
                    client.processUntil("text " + (MESSAGES - 1));
                    publisher.join();
                } catch (AssertionError e) {
                    throw new AssertionError("after " + client.processed().size() + " processed: "
                            + firstDifference(sent, client.processed()), e);
                }
                assertEquals(sent.size(), client.processed().size(), "no gap, no duplicate: "
                        + firstDifference(sent, client.processed()) + " trace "
                        + traceAround(sent, client));
                assertEquals(sent, client.processed());
            } finally {
                BROKER.delete(queue);
            }
        }
    }
}
