package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One stream per queue, as the original: the second client gets 503, even in a race. */
class ExclusiveStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void secondClientOnSameQueueGets503AndFirstKeepsStreaming() throws Exception {
        String queue = TestBroker.uniqueQueue("second");
        try (SseClient first = server.stream(queue)) {
            first.readUntil("\n\n", WAIT);
            try (SseClient second = server.stream(queue)) {
                assertEquals(503, second.status());
                assertEquals("queue '" + queue + "' is already being streamed", second.header("X-Status-Reason"));
                assertNotNull(second.header("Retry-After"));
                assertEquals("*", second.header("Access-Control-Allow-Origin"));
            }
            BROKER.publish(queue, "still here");
            assertEquals("still here", first.nextEvent(WAIT).data());
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void simultaneousRequestsForOneQueueLetExactlyOneStream() throws Exception {
        int clients = 8;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 15; round++) {
                String queue = TestBroker.uniqueQueue("race" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<SseClient>> attempts = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Callable<SseClient> open = () -> {
                        go.await();
                        return server.stream(queue);
                    };
                    attempts.add(pool.submit(open));
                }
                go.countDown();
                List<SseClient> responses = new ArrayList<>();
                for (Future<SseClient> f : attempts) {
                    responses.add(f.get());
                }
                try {
                    long ok = responses.stream().filter(r -> r.status() == 200).count();
                    long busy = responses.stream().filter(r -> r.status() == 503).count();
                    assertEquals(1, ok, "round " + round + ": exactly one stream");
                    assertEquals(clients - 1, busy, "round " + round + ": all others 503");
                } finally {
                    responses.forEach(SseClient::close);
                    BROKER.delete(queue);
                }
            }
        }
    }

    @Test
    void clientThatResetItsConnectionReleasesTheQueueByTheNextHeartbeat() throws Exception {
        releasedByOneHeartbeatAfter(SseClient::abort);
    }

    /**
     * A plain close (FIN): the first write after it still succeeds and only draws the client's
     * reset; the probe 100 ms after the heartbeat fails, so one heartbeat is enough here too
     * (without the probe it took the next one).
     */
    @Test
    void clientThatClosedItsConnectionReleasesTheQueueByTheNextHeartbeat() throws Exception {
        releasedByOneHeartbeatAfter(SseClient::close);
    }

    /** The server never reads the socket: a client that left shows only as a failing write. */
    private static void releasedByOneHeartbeatAfter(Consumer<SseClient> leave) throws Exception {
        TestServer fast = TestServer.start("""
                server:
                  heartbeat: 1
                """);
        String queue = TestBroker.uniqueQueue("released");
        try {
            SseClient gone = fast.stream(queue);
            gone.readUntil("\n\n", WAIT);
            leave.accept(gone);
            long heartbeatsAtLeave = fast.server().metrics().heartbeats();
            fast.awaitOpenStreams(0);
            long tried = fast.server().metrics().heartbeats() - heartbeatsAtLeave;
            assertTrue(tried <= 1, "heartbeats tried after the client left: " + tried);
            try (SseClient next = fast.stream(queue)) {
                assertEquals(200, next.status());
            }
        } finally {
            fast.close();
            BROKER.delete(queue);
        }
    }
}
