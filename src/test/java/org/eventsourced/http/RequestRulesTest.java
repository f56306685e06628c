package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Methods, CORS, bad requests and queue-name patterns, on a real server. */
class RequestRulesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static TestServer server;
    private static TestServer cookieServer;

    @BeforeAll
    static void start() {
        server = TestServer.start("");
        cookieServer = TestServer.start("""
                queue:
                  pattern: q- ${query:id} - ${cookie:sid}
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
        cookieServer.close();
    }

    private static SseClient request(TestServer on, String method, String target, String... headers)
            throws IOException {
        return SseClient.request(on.address(), method, target, "HTTP/1.1", headers);
    }

    @Test
    void optionsGets204WithCorsHeaders() throws Exception {
        try (SseClient response = request(server, "OPTIONS", "/?id=x", "Origin: http://example.test")) {
            assertEquals(204, response.status());
            assertEquals("*", response.header("Access-Control-Allow-Origin"));
            assertEquals("GET, OPTIONS", response.header("Access-Control-Allow-Methods"));
            assertNotNull(response.header("Access-Control-Allow-Headers"));
        }
    }

    @Test
    void otherMethodsGet405WithAllowAndCors() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD", "PATCH"}) {
            try (SseClient response = request(server, method, "/?id=x", "Content-Length: 0")) {
                assertEquals(405, response.status(), method);
                assertEquals("GET, OPTIONS", response.header("Allow"), method);
                assertEquals("*", response.header("Access-Control-Allow-Origin"), method);
            }
        }
    }

    @Test
    void missingOrEmptyIdGets400WithReason() throws Exception {
        for (String target : new String[] {"/", "/?id=", "/?other=1", "/?id"}) {
            try (SseClient response = request(server, "GET", target)) {
                assertEquals(400, response.status(), target);
                assertEquals("missing query parameter 'id'", response.header("X-Status-Reason"), target);
                assertEquals("*", response.header("Access-Control-Allow-Origin"), target);
                assertEquals("missing query parameter 'id'\n", response.readToEnd(WAIT), target);
            }
        }
    }

    @Test
    void unusableQueueNamesGet400() throws Exception {
        String[][] cases = {
            {"/?id=" + "x".repeat(256), "queue name longer than 255 bytes"},
            {"/?id=" + "%C3%A9".repeat(128), "queue name longer than 255 bytes"},
            {"/?id=amq.gen-1", "queue name must not start with 'amq.'"},
            {"/?id=a%0Ab", "queue name contains a control character"},
            {"/?id=a%00b", "queue name contains a control character"},
            {"/?id=%C3", "query is not valid UTF-8"},
        };
        for (String[] c : cases) {
            try (SseClient response = request(server, "GET", c[0])) {
                assertEquals(400, response.status(), c[0]);
                assertEquals(c[1], response.header("X-Status-Reason"), c[0]);
            }
        }
    }

    @Test
    void anyPathStreamsAndPercentEncodedIdsAreDecoded() throws Exception {
        String queue = TestBroker.uniqueQueue("path é");
        try (SseClient client = SseClient.get(server.address(), "/events/anything?x=1&id="
                + java.net.URLEncoder.encode(queue, java.nio.charset.StandardCharsets.UTF_8))) {
            assertEquals(200, client.status());
            client.readUntil("\n\n", WAIT);
            BROKER.publish(queue, "hello");
            assertEquals("hello", client.nextEvent(WAIT).data());
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void cookieAndConcatenatedPatternNamesTheQueue() throws Exception {
        String id = "u" + System.nanoTime();
        String queue = "q-" + id + "-s42";
        try (SseClient client = SseClient.get(cookieServer.address(), "/?id=" + id,
                "Cookie: other=1; sid=s42; x=\"y\"")) {
            assertEquals(200, client.status());
            client.readUntil("\n\n", WAIT);
            BROKER.publish(queue, "for the cookie");
            assertEquals("for the cookie", client.nextEvent(WAIT).data());
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void missingCookieGets400() throws Exception {
        try (SseClient response = SseClient.get(cookieServer.address(), "/?id=abc")) {
            assertEquals(400, response.status());
            assertEquals("missing cookie 'sid'", response.header("X-Status-Reason"));
        }
    }

    @Test
    void unparsableRequestTargetGets400() throws Exception {
        try (SseClient response = request(server, "GET", "/?id=%zz")) {
            assertEquals(400, response.status());
        }
    }

    @Test
    void reasonsNeverCarryClientBytesIntoHeaders() throws Exception {
        try (SseClient response = request(server, "GET", "/?id=amq.%0D%0AX-Injected:%20yes")) {
            assertEquals(400, response.status());
            assertEquals(null, response.header("X-Injected"));
            assertTrue(response.header("X-Status-Reason").chars().allMatch(c -> c >= 0x20 && c < 0x7f));
        }
    }
}
