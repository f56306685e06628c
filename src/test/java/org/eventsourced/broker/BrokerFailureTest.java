package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.eventsourced.testsupport.TcpProxy;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** The broker going away and coming back, through a TCP proxy (no shared broker is stopped). */
class BrokerFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    @Test
    void brokerDownAtStartupGives503ThenRecoversByItself() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(BROKER.host(), BROKER.port())) {
            proxy.cut();
            try (TestServer server = TestServer.start("", proxy.amqpUrl())) {
                String queue = TestBroker.uniqueQueue("down-at-start");
                long started = System.nanoTime();
                try (SseClient refused = server.stream(queue)) {
                    assertEquals(503, refused.status());
                    assertNotNull(refused.header("Retry-After"));
                    assertEquals("no broker node is connected", refused.header("X-Status-Reason"));
                }
                assertTrue(System.nanoTime() - started < 1_000_000_000L, "503 came at once");
                assertEquals(503, server.get("/healthz").statusCode());

                proxy.restore();
                long restored = System.nanoTime();
                Await.until(() -> server.get("/healthz").statusCode() == 200, WAIT, () -> "healthz 200 after restore");
                assertTrue(System.nanoTime() - restored < 2_500_000_000L, "recovered within about 2 s");
                try (SseClient client = server.stream(queue)) {
                    assertEquals(200, client.status());
                    client.readUntil("\n\n", WAIT);
                    BROKER.publish(queue, "after recovery");
                    assertEquals("after recovery", client.nextEvent(WAIT).data());
                } finally {
                    BROKER.delete(queue);
                }
            }
        }
    }

    @Test
    void cutWithStreamsOpenEndsThemPromptlyAndLosesNothing() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(BROKER.host(), BROKER.port());
                TestServer server = TestServer.start("""
                        delivery:
                          ack_delay: 60
                        """, proxy.amqpUrl())) {
            String queue = TestBroker.uniqueQueue("cut");
            List<String> seen = new ArrayList<>();
            SseClient client = server.stream(queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 50; i++) {
                BROKER.publish(queue, "m" + i);
            }
            client.nextEvents(50, WAIT).forEach(e -> seen.add(e.data()));

            long cut = System.nanoTime();
            proxy.cut();
            client.readToEnd(WAIT);
            assertTrue(System.nanoTime() - cut < 1_500_000_000L, "stream ended within about a second");
            assertTrue(client.bodyText().endsWith("\n"), client.bodyText());
            for (int i = 50; i < 100; i++) {
                BROKER.publish(queue, "m" + i);
            }
            try (SseClient refused = server.stream(queue)) {
                assertEquals(503, refused.status());
            }
            assertEquals(503, server.get("/healthz").statusCode());

            proxy.restore();
            Await.until(() -> server.get("/healthz").statusCode() == 200, WAIT, () -> "healthz 200 after restore");
            try (SseClient again = server.stream(queue)) {
                // the 50 written before the cut were not acked yet: they come again (at-least-once)
                List<SseParser.Event> events = again.nextEvents(100, WAIT);
                for (int i = 0; i < 100; i++) {
                    assertEquals("m" + i, events.get(i).data());
                }
            } finally {
                BROKER.delete(queue);
            }
            assertEquals(50, seen.size());
        }
    }
}
