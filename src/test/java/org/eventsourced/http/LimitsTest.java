package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each limit answers with its status and a reason. */
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                limits:
                  max_streams: 2
                  header_count: 10
                  header_bytes: 1024
                  query_bytes: 300
                  cookie_bytes: 100
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamsBeyondTheInstanceLimitGet503WithRetryAfter() throws Exception {
        List<String> queues = List.of(TestBroker.uniqueQueue("lim-a"), TestBroker.uniqueQueue("lim-b"),
                TestBroker.uniqueQueue("lim-c"));
        List<SseClient> open = new ArrayList<>();
        try {
            open.add(server.stream(queues.get(0)));
            open.add(server.stream(queues.get(1)));
            open.forEach(c -> assertEquals(200, c.status()));
            try (SseClient third = server.stream(queues.get(2))) {
                assertEquals(503, third.status());
                assertEquals("stream limit of this instance reached (2)", third.header("X-Status-Reason"));
                assertEquals("3", third.header("Retry-After"));
            }
        } finally {
            open.forEach(SseClient::close);
            queues.forEach(BROKER::delete);
        }
    }

    @Test
    void tooManyHeadersGet431() throws Exception {
        String[] headers = new String[12];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = "X-Filler-" + i + ": x";
        }
        try (SseClient response = SseClient.get(server.address(), "/?id=x", headers)) {
            assertEquals(431, response.status());
            assertEquals("more than 10 request headers", response.header("X-Status-Reason"));
        }
    }

    @Test
    void oversizedHeadGets431() throws Exception {
        try (SseClient response = SseClient.get(server.address(), "/?id=x", "X-Big: " + "y".repeat(1100))) {
            assertEquals(431, response.status());
            assertEquals("request head larger than 1024 bytes", response.header("X-Status-Reason"));
        }
    }

    @Test
    void longQueryGets414() throws Exception {
        try (SseClient response = SseClient.get(server.address(), "/?id=" + "q".repeat(301))) {
            assertEquals(414, response.status());
            assertEquals("query longer than 300 bytes", response.header("X-Status-Reason"));
        }
    }

    @Test
    void longCookieGets431() throws Exception {
        try (SseClient response = SseClient.get(server.address(), "/?id=x", "Cookie: c=" + "z".repeat(120))) {
            assertEquals(431, response.status());
            assertEquals("cookies longer than 100 bytes", response.header("X-Status-Reason"));
        }
    }
}
