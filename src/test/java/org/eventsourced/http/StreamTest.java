package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stream end to end: real broker, real socket, bytes as they cross the wire. */
class StreamTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                server:
                  heartbeat: 1
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static AMQP.BasicProperties props(String id, String type) {
        return new AMQP.BasicProperties.Builder().messageId(id).type(type).build();
    }

    @Test
    void streamStartsWithCommentRetryAndBareIdThenHeaders() throws Exception {
        String queue = TestBroker.uniqueQueue("start");
        try (SseClient client = server.stream(queue)) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream; charset=utf-8", client.header("Content-Type"));
            assertEquals("no-cache", client.header("Cache-Control"));
            assertEquals("no", client.header("X-Accel-Buffering"));
            assertEquals("*", client.header("Access-Control-Allow-Origin"));
            assertEquals("chunked", client.header("Transfer-Encoding"));
            String head = client.readUntil("\n\n", WAIT);
            assertTrue(head.matches("(?s): ok\nretry: \\d+\nid: es-[0-9a-f-]{36}\n\n"), head);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void publishedTextsArriveExactlyOnTheWireAndThroughAParser() throws Exception {
        String queue = TestBroker.uniqueQueue("exact");
        List<String> texts = List.of("plain", "  spaces  ", "\n\nblank\n\n", "trailing\n", "", "id: x",
                "event: y", ": z", "ünïcødé ✓ 😀", "crlf\r\nand\rcr", "x".repeat(65536));
        try (SseClient client = server.stream(queue)) {
            String head = client.readUntil("\n\n", WAIT);
            for (String text : texts) {
                BROKER.publish(queue, text);
            }
            List<SseParser.Event> events = client.nextEvents(texts.size(), WAIT);
            for (int i = 0; i < texts.size(); i++) {
                String expected = texts.get(i).replace("\r\n", "\n").replace('\r', '\n');
                assertEquals(expected, events.get(i).data(), "message " + i);
                assertEquals("message", events.get(i).type());
            }
            String wire = client.bodyText().substring(head.length());
            assertTrue(wire.startsWith("""
                    data: plain

                    data:   spaces \s

                    data:\s
                    data:\s
                    data: blank
                    data:\s
                    data:\s

                    data: trailing
                    data:\s

                    data:\s

                    data: id: x

                    data: event: y

                    data: : z

                    data: ünïcødé ✓ 😀

                    data: crlf
                    data: and
                    data: cr

                    """), wire.substring(0, 200));
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void messageIdAndTypeBecomeIdAndEvent() throws Exception {
        String queue = TestBroker.uniqueQueue("idtype");
        try (SseClient client = server.stream(queue)) {
            String head = client.readUntil("\n\n", WAIT);
            BROKER.publish(queue, "one".getBytes(StandardCharsets.UTF_8), props("m-1", "price"));
            BROKER.publish(queue, "two".getBytes(StandardCharsets.UTF_8), props("bad\nid", "bad\rtype"));
            BROKER.publish(queue, "three".getBytes(StandardCharsets.UTF_8), props(null, null));
            List<SseParser.Event> events = client.nextEvents(3, WAIT);
            assertEquals(new SseParser.Event("price", "one", "m-1"), events.get(0));
            assertEquals(new SseParser.Event("message", "two", "m-1"), events.get(1));
            assertEquals(new SseParser.Event("message", "three", "m-1"), events.get(2));
            assertEquals("""
                    id: m-1
                    event: price
                    data: one

                    data: two

                    data: three

                    """, client.bodyText().substring(head.length()).replaceAll("(?m)^:\n", ""));
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void invalidUtf8BodyArrivesRepairedAndTheStreamGoesOn() throws Exception {
        String queue = TestBroker.uniqueQueue("utf8");
        try (SseClient client = server.stream(queue)) {
            client.readUntil("\n\n", WAIT);
            BROKER.publish(queue, new byte[] {'a', (byte) 0xFF, 'b'}, null);
            BROKER.publish(queue, "next");
            assertEquals("a\uFFFDb", client.nextEvent(WAIT).data());
            assertEquals("next", client.nextEvent(WAIT).data());
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void idleStreamGetsHeartbeatComments() throws Exception {
        String queue = TestBroker.uniqueQueue("heartbeat");
        try (SseClient client = server.stream(queue)) {
            String head = client.readUntil("\n\n", WAIT);
            String body = client.readUntil(head + ":\n:\n", Duration.ofSeconds(5));
            assertTrue(body.endsWith(":\n:\n"), body);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void heartbeatsGoOnAfterMessagesMovedThemLater() throws Exception {
        // the wake-up armed for the first heartbeat comes too early after a message; the stream
        // must arm the next one rather than go quiet
        String queue = TestBroker.uniqueQueue("heartbeat-after");
        try (SseClient client = server.stream(queue)) {
            client.readUntil("\n\n", WAIT);
            for (String text : List.of("one", "two")) {
                BROKER.publish(queue, text);
                assertEquals(text, client.nextEvent(WAIT).data());
            }
            String body = client.readUntil("data: two\n\n:\n:\n", Duration.ofSeconds(5));
            assertTrue(body.endsWith(":\n:\n"), body);
            client.readUntil("data: two\n\n:\n:\n:\n:\n", Duration.ofSeconds(5));
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void queueIsDeclaredDurableWithExpiry() throws Exception {
        String queue = TestBroker.uniqueQueue("declare");
        try (SseClient client = server.stream(queue)) {
            client.readUntil("\n\n", WAIT);
            assertHeldWithExpiry(queue, 1800 * 1000L);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void queueDeclaredWithOtherArgumentsIsUsedAsItIs() throws Exception {
        // e.g. made while queue.expire had another value: the declare is refused (406), the stream
        // goes on with the queue as the broker has it, and what waited in it is delivered
        String queue = queueWithWaiting("otherargs", 600 * 1000L, 1);
        try (SseClient client = server.stream(queue)) {
            assertEquals(200, client.status());
            assertEquals("m0", client.nextEvents(1, WAIT).get(0).data());
            BROKER.publish(queue, "live");
            assertEquals("live", client.nextEvents(1, WAIT).get(0).data());
            assertHeldWithExpiry(queue, 600 * 1000L); // the queue keeps its own arguments
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void messagesQueuedBeforeTheStreamOpensArriveInOrder() throws Exception {
        String queue = queueWithWaiting("queued", 1800 * 1000L, 500);
        try (SseClient client = server.stream(queue)) {
            List<SseParser.Event> events = client.nextEvents(500, WAIT);
            for (int i = 0; i < 500; i++) {
                assertEquals("m" + i, events.get(i).data());
            }
        } finally {
            BROKER.delete(queue);
        }
    }

    /** The stream's consumer holds the queue, whose arguments are exactly these (else the declare is refused). */
    private static void assertHeldWithExpiry(String queue, long expireMillis) {
        assertEquals(1, BROKER.consumerCount(queue));
        BROKER.declare(queue, expireMillis);
    }

    /** A queue made before its first stream (by a backend, or under an earlier config), "m0".. waiting in it. */
    private static String queueWithWaiting(String prefix, long expireMillis, int waiting) {
        String queue = TestBroker.uniqueQueue(prefix);
        BROKER.declare(queue, expireMillis);
        for (int i = 0; i < waiting; i++) {
            BROKER.publish(queue, "m" + i);
        }
        return queue;
    }

    @Test
    void largeMessagesGoOutInChunksOfAtMost4KiB() throws Exception {
        // the JDK server keeps a larger buffer for the rest of the connection after any larger write
        String queue = TestBroker.uniqueQueue("large");
        BROKER.declare(queue, 1800 * 1000L);
        String large = "x".repeat(20_000);
        String medium = "y".repeat(1_000);
        BROKER.publish(queue, large);
        for (int i = 0; i < 20; i++) {
            BROKER.publish(queue, medium + i);
        }
        try (SseClient client = server.stream(queue)) {
            List<SseParser.Event> events = client.nextEvents(21, WAIT);
            assertEquals(large, events.get(0).data());
            for (int i = 0; i < 20; i++) {
                assertEquals(medium + i, events.get(i + 1).data());
            }
            assertTrue(client.largestChunk() > 0 && client.largestChunk() <= 4096 - 7,
                    "largest chunk " + client.largestChunk());
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void endpointsOfTheServerAreNotStreams() {
        var vars = server.get("/debug/vars");
        assertEquals(200, vars.statusCode());
        assertEquals("*", vars.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertNull(vars.headers().firstValue("X-Status-Reason").orElse(null));
    }
}
