package org.eventsourced.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With auth.secret set, a stream needs a token for its queue, and ends when the token does. */
class SecuredStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static final String SECRET = "test-secret-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                server:
                  heartbeat: 1
                auth:
                  secret: %s
                header:
                  cors:
                    Access-Control-Allow-Origin: https://app.example https://admin.example
                """.formatted(SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void requestsWithoutAValidTokenAreRefusedWithAReason() throws Exception {
        String queue = TestBroker.uniqueQueue("secured");
        String[][] cases = {
            {"", "401", "access token required"},
            {"&token=garbage", "401", "malformed access token"},
            {"&token=" + AccessTokens.issue(SECRET, "other-queue", now() + 60), "403",
                "access token not valid for this queue"},
            {"&token=" + AccessTokens.issue(SECRET, queue, now() - 1), "401", "access token expired"},
        };
        for (String[] c : cases) {
            try (SseClient response = SseClient.get(server.address(), "/?id=" + queue + c[0])) {
                assertEquals(Integer.parseInt(c[1]), response.status(), c[2]);
                assertEquals(c[2], response.header("X-Status-Reason"));
            }
        }
        assertTrue(!BROKER.queueExists(queue), "a refused request declares nothing");
    }

    @Test
    void tokenInQueryOrCookieOpensTheStream() throws Exception {
        String queue = TestBroker.uniqueQueue("secured-ok");
        String token = AccessTokens.issue(SECRET, queue, now() + 600);
        try {
            try (SseClient client = SseClient.get(server.address(), "/?id=" + queue + "&token=" + token)) {
                assertEquals(200, client.status());
                client.readUntil("\n\n", WAIT);
                BROKER.publish(queue, "secret news");
                assertEquals("secret news", client.nextEvent(WAIT).data());
            }
            server.awaitOpenStreams(0);
            try (SseClient client = SseClient.get(server.address(), "/?id=" + queue,
                    "Cookie: eventsourced_token=" + token)) {
                assertEquals(200, client.status());
            }
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void openStreamEndsWhenItsTokenExpires() throws Exception {
        String queue = TestBroker.uniqueQueue("secured-expiry");
        try (SseClient client = SseClient.get(server.address(), "/?id=" + queue + "&token="
                + AccessTokens.issue(SECRET, queue, now() + 2))) {
            assertEquals(200, client.status());
            SseParser.Event farewell = client.nextEvent(Duration.ofSeconds(5));
            assertEquals("eventsourced-expired", farewell.type());
            client.readToEnd(WAIT);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void allowedOriginIsEchoedWithCredentialsOthersGetNoCors() throws Exception {
        try (SseClient allowed = SseClient.get(server.address(), "/?id=x", "Origin: https://app.example")) {
            assertEquals("https://app.example", allowed.header("Access-Control-Allow-Origin"));
            assertEquals("true", allowed.header("Access-Control-Allow-Credentials"));
            assertEquals("Origin", allowed.header("Vary"));
        }
        try (SseClient other = SseClient.get(server.address(), "/?id=x", "Origin: https://evil.example")) {
            assertEquals(403, other.status(), "no stream for a page the browser would not let read it");
            assertEquals("origin not allowed", other.header("X-Status-Reason"));
            assertNull(other.header("Access-Control-Allow-Origin"));
            assertNull(other.header("Access-Control-Allow-Credentials"));
            assertEquals("Origin", other.header("Vary"));
        }
    }
}
