package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading: their writes time out, their streams end and give their
 * messages back, and nobody else notices them.
 */
class SlowReaderTest {
    private static final int STALLED = 100;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestBroker BROKER = TestBroker.get();
    private static final byte[] BIG = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);

    /** Sends a stream request and then never reads a byte. */
    private static Socket neverReading(InetSocketAddress server, String queue) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()));
        socket.getOutputStream().write(("GET /?id=" + queue + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void clientsThatNeverReadTimeOutWithoutSlowingOtherStreams() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  write_timeout: 2
                delivery:
                  ack_delay: 60
                """)) {
            String prefix = TestBroker.uniqueQueue("stalled");
            List<Socket> stalled = new ArrayList<>();
            String healthyQueue = TestBroker.uniqueQueue("healthy");
            try (SseClient healthy = server.stream(healthyQueue)) {
                healthy.readUntil("\n\n", WAIT);
                for (int i = 0; i < STALLED; i++) {
                    stalled.add(neverReading(server.address(), prefix + i));
                }
                server.awaitOpenStreams(STALLED + 1);
                // fill every stalled client's socket buffers until its writes block
                BROKER.withChannel(ch -> {
                    for (int round = 0; round < 120
                            && server.server().metrics().writeTimeouts() < STALLED; round++) {
                        for (int i = 0; i < STALLED; i++) {
                            ch.basicPublish("", prefix + i, null, BIG);
                        }
                        ch.basicPublish("", healthyQueue, null, ("round " + round).getBytes(StandardCharsets.UTF_8));
                        long sent = System.nanoTime();
                        assertEquals("round " + round, healthy.nextEvent(WAIT).data());
                        // not a speed figure: a stalled server would miss this by far, a busy one does not
                        assertTrue(System.nanoTime() - sent < 5_000_000_000L,
                                "the healthy stream got round " + round + " within 5 s");
                    }
                });
                Await.until(() -> server.server().metrics().writeTimeouts() == STALLED, WAIT,
                        () -> STALLED + " write timeouts, have " + server.server().metrics().writeTimeouts());
                server.awaitOpenStreams(1);
                assertTrue(BROKER.messageCount(prefix + 0) > 0, "unacked messages went back to the queue");
                assertEquals(0, BROKER.consumerCount(prefix + 0), "the stalled stream's consumer is gone");
                BROKER.publish(healthyQueue, "still fine");
                assertEquals("still fine", healthy.nextEvent(WAIT).data());
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
                BROKER.delete(healthyQueue);
                for (int i = 0; i < STALLED; i++) {
                    BROKER.delete(prefix + i);
                }
            }
        }
    }
}
