package org.eventsourced.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.ServerProcess;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.junit.jupiter.api.Test;

/** The server as a process: signals, exit codes, per-JVM settings. */
class ProcessShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    @Test
    void sigtermWithOpenStreamsRequeuesAndExitsZero() throws Exception {
        String queue = TestBroker.uniqueQueue("sigterm");
        try (ServerProcess server = ServerProcess.start("""
                delivery:
                  ack_delay: 60
                """)) {
            SseClient client = SseClient.get(server.address(), "/?id=" + queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 10; i++) {
                BROKER.publish(queue, "m" + i);
            }
            client.nextEvents(10, WAIT);

            server.terminate();
            assertEquals(0, server.awaitExit(5), "exited 0 within 5 s");
            String tail = client.readToEnd(WAIT);
            assertTrue(tail.matches("(?s).*\nretry: \\d+\n$"), "final retry: " + tail);
            Await.until(() -> BROKER.messageCount(queue) == 10, WAIT, () -> "10 unacked messages requeued");
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestHeadIsCutOff() throws Exception {
        try (ServerProcess server = ServerProcess.start("""
                limits:
                  head_timeout: 1
                """);
                Socket slow = new Socket("127.0.0.1", server.address().getPort())) {
            slow.getOutputStream().write("GET /?id=slow HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.setSoTimeout(5000);
            long started = System.nanoTime();
            InputStream in = slow.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server still waits for the head after 5 s");
            } catch (java.io.IOException e) {
                read = -1;
            }
            assertEquals(-1, read, "connection closed without an answer");
            assertTrue(System.nanoTime() - started < 4_000_000_000L, "cut off within head_timeout plus a tick");
            try (SseClient healthy = SseClient.get(server.address(), "/debug/vars")) {
                assertEquals(200, healthy.status(), "others are served meanwhile");
            }
        }
    }
}
