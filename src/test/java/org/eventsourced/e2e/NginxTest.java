package org.eventsourced.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streams through Debian's nginx, in two locations on one nginx: {@code /stock/}, a bare
 * {@code proxy_pass} with nginx's defaults (HTTP/1.0 upstream, buffering on, so only the
 * server's {@code X-Accel-Buffering: no} keeps events flowing), and {@code /events/}, the
 * snippet docs/clients.md recommends, included from examples/nginx/eventsourced.conf as it is.
 * nginx's {@code proxy_read_timeout} is 2 s here, the server's heartbeat 1 s.
 */
class NginxTest {
    private static final Path SNIPPET = Path.of("examples", "nginx", "eventsourced.conf");
    private static final Path DOCS = Path.of("docs", "clients.md");
    private static final Duration PROMPT = Duration.ofSeconds(2);
    private static final String HEARTBEAT_1S = "server:\n  heartbeat: 1\n";

    private static int upstreamPort;
    private static Nginx nginx;
    private final TestBroker broker = TestBroker.get();

    @BeforeAll
    static void startNginx() {
        if (!Files.isRegularFile(SNIPPET)) {
            throw new AssertionError("no " + SNIPPET.toAbsolutePath() + " (run the tests from the project directory)");
        }
        // each test starts its own server on this port, the one nginx proxies to
        try (TestServer probe = TestServer.start("")) {
            upstreamPort = probe.address().getPort();
        }
        nginx = Nginx.start(port -> """
                upstream eventsourced {
                    server 127.0.0.1:%d;
                }
                server {
                    listen 127.0.0.1:%d;
                    # short, so a test can outlast it: only heartbeats keep a stream open
                    proxy_read_timeout 2s;
                    # nginx's defaults: HTTP/1.0 to the upstream, proxy_buffering on
                    location /stock/ {
                        proxy_pass http://eventsourced;
                    }
                    # the documented snippet, exactly as users include it
                    include %s;
                }
                """.formatted(upstreamPort, port, SNIPPET.toAbsolutePath()));
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest(name = "{0} (upstream framing: {1})")
    @CsvSource({"/stock/, -", "/events/, chunked"})
    void eventsPassThroughNginxAsTheyArePublished(String location, String upstreamFraming) throws IOException {
        String queue = TestBroker.uniqueQueue("nginx-live");
        try (TestServer server = upstream(HEARTBEAT_1S);
                SseClient client = SseClient.get(nginx.address(), location + "?id=" + queue)) {
            assertEquals(200, client.status(), nginx.log());
            assertTrue(client.header("Content-Type").startsWith("text/event-stream"), client.headers().toString());
            client.readUntil(": ok\n", PROMPT);
            server.awaitOpenStreams(1);
            // one at a time: each must come through before the next is published
            for (int i = 1; i <= 3; i++) {
                String text = "event " + i + " through " + location + "\nsecond line";
                broker.publish(queue, text);
                SseParser.Event event = client.nextEvent(PROMPT);
                assertEquals(text, event.data());
            }
        }
        // nginx logs the request once it is over: HTTP/1.0 upstream (close-delimited) or 1.1 (chunked)
        Await.until(() -> nginx.accessLog().contains(queue), Duration.ofSeconds(5),
                () -> "nginx's access log line for " + queue + "\n" + nginx.accessLog());
        String line = nginx.accessLog().lines().filter(l -> l.contains(queue)).findFirst().orElseThrow();
        assertTrue(line.endsWith(" upstream_te=" + upstreamFraming), line);
    }

    @Test
    void heartbeatsKeepStreamsOpenThroughNginxPastItsReadTimeout() throws IOException {
        String stockQueue = TestBroker.uniqueQueue("nginx-idle-stock");
        String snippetQueue = TestBroker.uniqueQueue("nginx-idle-snippet");
        try (TestServer server = upstream(HEARTBEAT_1S);
                SseClient stock = SseClient.get(nginx.address(), "/stock/?id=" + stockQueue);
                SseClient snippet = SseClient.get(nginx.address(), "/events/?id=" + snippetQueue)) {
            long opened = System.nanoTime();
            server.awaitOpenStreams(2);
            // six heartbeats in a row, each with the probe line 100 ms after it: the streams sat idle
            // for over 5 s, past 2 x proxy_read_timeout
            String sixHeartbeats = ":\n:\n".repeat(6);
            stock.readUntil(sixHeartbeats, Duration.ofSeconds(10));
            snippet.readUntil(sixHeartbeats, Duration.ofSeconds(10));
            assertTrue(Duration.ofNanos(System.nanoTime() - opened).toMillis() >= 5000);

            broker.publish(stockQueue, "still here (stock)");
            broker.publish(snippetQueue, "still here (snippet)");
            assertEquals("still here (stock)", stock.nextEvent(PROMPT).data());
            assertEquals("still here (snippet)", snippet.nextEvent(PROMPT).data());
            assertFalse(stock.ended() || snippet.ended());
        }
    }

    @Test
    void withoutHeartbeatsNginxCutsIdleStreamsAtItsReadTimeout() throws IOException {
        // the control for the test above: proxy_read_timeout really applies to both locations
        // (HTTP/1.0 to nginx, so the cut shows as a plain end of the response)
        try (TestServer server = upstream("server:\n  heartbeat: 0\n");
                SseClient stock = SseClient.request(nginx.address(), "GET",
                        "/stock/?id=" + TestBroker.uniqueQueue("nginx-cut"), "HTTP/1.0");
                SseClient snippet = SseClient.request(nginx.address(), "GET",
                        "/events/?id=" + TestBroker.uniqueQueue("nginx-cut"), "HTTP/1.0")) {
            server.awaitOpenStreams(2);
            long opened = System.nanoTime();
            stock.readToEnd(Duration.ofSeconds(6));
            snippet.readToEnd(Duration.ofSeconds(6));
            assertTrue(Duration.ofNanos(System.nanoTime() - opened).toMillis() >= 1500,
                    "nginx should cut an idle stream at proxy_read_timeout (2 s), not before");
            // (the server itself cannot tell: with no heartbeat it never writes, so it holds both
            // queues until a message comes; another reason never to run heartbeat 0 behind a proxy)
        }
    }

    @Test
    void withoutTheAccelBufferingHeaderStockNginxHoldsEventsBack() throws IOException {
        // the control for the live test: X-Accel-Buffering: no is what keeps /stock/ unbuffered
        String queue = TestBroker.uniqueQueue("nginx-buffered");
        try (TestServer server = upstream(HEARTBEAT_1S + "header:\n  sse:\n    X-Accel-Buffering: ~\n");
                Socket socket = new Socket()) {
            socket.connect(nginx.address(), 5000);
            socket.getOutputStream().write(("GET /stock/?id=" + queue + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            server.awaitOpenStreams(1);
            broker.publish(queue, "held back");
            socket.setSoTimeout((int) PROMPT.toMillis());
            // not one byte in 2 s: neither the response head nor the event (nginx's buffers
            // and postpone_output hold both until they fill or the stream ends)
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(),
                    "nginx passed the stream on although the server did not send X-Accel-Buffering: no");
        }
    }

    @Test
    void docsShowTheSnippetTheseTestsInclude() throws IOException {
        String snippet = Files.readString(SNIPPET);
        String docs = Files.readString(DOCS);
        assertTrue(docs.contains("```nginx\n" + snippet + "```\n"),
                DOCS + " must show " + SNIPPET + " verbatim in an nginx code block");
    }

    /** The eventsourced server nginx proxies to, for one test. */
    private static TestServer upstream(String yaml) {
        return TestServer.start("server:\n  address: 127.0.0.1:" + upstreamPort + "\n"
                + yaml.replaceFirst("^server:\n", ""));
    }
}
