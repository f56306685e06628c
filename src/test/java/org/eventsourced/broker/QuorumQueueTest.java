package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** queue.type: quorum keeps the stream, the one-stream-per-queue rule and requeue on disconnect. */
class QuorumQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                server:
                  heartbeat: 1
                queue:
                  type: quorum
                delivery:
                  ack_delay: 60
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamsFromAQuorumQueue() throws Exception {
        String queue = TestBroker.uniqueQueue("quorum");
        try (SseClient client = server.stream(queue)) {
            client.readUntil("\n\n", WAIT);
            BROKER.publish(queue, "from quorum");
            assertEquals("from quorum", client.nextEvent(WAIT).data());
            String[] type = new String[1];
            BROKER.withChannel(ch -> {
                // a passive declare cannot show the type; a declare with the same arguments must succeed
                ch.queueDeclare(queue, true, false, false,
                        java.util.Map.of("x-expires", 1800_000L, "x-queue-type", "quorum"));
                type[0] = "quorum";
            });
            assertEquals("quorum", type[0]);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void secondClientGets503EvenInARace() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 5; round++) {
                String queue = TestBroker.uniqueQueue("quorum-race" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<SseClient>> attempts = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    attempts.add(pool.submit(() -> {
                        go.await();
                        return server.stream(queue);
                    }));
                }
                go.countDown();
                List<SseClient> responses = new ArrayList<>();
                for (Future<SseClient> f : attempts) {
                    responses.add(f.get());
                }
                try {
                    assertEquals(1, responses.stream().filter(r -> r.status() == 200).count(), "round " + round);
                    assertEquals(5, responses.stream().filter(r -> r.status() == 503).count(), "round " + round);
                } finally {
                    responses.forEach(SseClient::close);
                    BROKER.delete(queue);
                }
            }
        }
    }

    @Test
    void unackedMessagesReturnOnDisconnect() throws Exception {
        String queue = TestBroker.uniqueQueue("quorum-requeue");
        try {
            SseClient client = server.stream(queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 10; i++) {
                BROKER.publish(queue, "m" + i);
            }
            client.nextEvents(10, WAIT);
            client.abort();
            server.awaitOpenStreams(0);
            Await.until(() -> BROKER.messageCount(queue) == 10, WAIT,
                    () -> "10 back in the quorum queue, have " + BROKER.messageCount(queue));
            try (SseClient again = server.stream(queue)) {
                assertEquals("m0", again.nextEvent(WAIT).data());
            }
        } finally {
            BROKER.delete(queue);
        }
    }
}
