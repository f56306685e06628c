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

    /**
     * The stalled clients' writes block, and stay blocked for server.write_timeout. While every
     * one of them is blocked, the healthy stream must be served: a server whose stuck writers
     * hold all its carrier threads (Java 21-23 without enough carriers) would serve it only after
     * the watchdog cut the writers off, which the write-timeout count then shows.
     */
    @Test
    void clientsThatNeverReadTimeOutWithoutSlowingOtherStreams() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  write_timeout: 8
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
                fillUntilEveryWriteBlocks(server, prefix, healthy, healthyQueue);

                for (int i = 0; i < 10; i++) {
                    BROKER.publish(healthyQueue, "while stalled " + i);
                    assertEquals("while stalled " + i, healthy.nextEvent(WAIT).data());
                }
                assertEquals(0, server.server().metrics().writeTimeouts(),
                        "the healthy stream was served while every stalled write was still blocked");

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

    /**
     * Publishes 64 KB messages to every stalled queue, a round at a time (each round also passes
     * one message through the healthy stream), until the first write blocks; every stalled client
     * has been sent the same, so a few more rounds block them all.
     */
    private static void fillUntilEveryWriteBlocks(TestServer server, String prefix, SseClient healthy,
            String healthyQueue) throws Exception {
        BROKER.withChannel(ch -> {
            int extraRounds = -1;
            for (int round = 0; round < 200 && extraRounds != 0; round++) {
                for (int i = 0; i < STALLED; i++) {
                    ch.basicPublish("", prefix + i, null, BIG);
                }
                ch.basicPublish("", healthyQueue, null, ("round " + round).getBytes(StandardCharsets.UTF_8));
                assertEquals("round " + round, healthy.nextEvent(WAIT).data());
                if (extraRounds > 0) {
                    extraRounds--;
                } else if (extraRounds < 0 && server.server().metrics().stalledWrites() > 0) {
                    extraRounds = 5;
                }
            }
        });
        Await.until(() -> server.server().metrics().stalledWrites() == STALLED, WAIT,
                () -> "every stalled client's write blocked; blocked now: " + server.server().metrics().stalledWrites()
                        + ", timed out: " + server.server().metrics().writeTimeouts());
    }
}
