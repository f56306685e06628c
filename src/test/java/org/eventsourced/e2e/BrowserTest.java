package org.eventsourced.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example page in headless Chromium, loaded from another origin than the server's: what a
 * browser's EventSource really receives, across reconnects and refusals.
 */
class BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path PAGE_DIR = Path.of("examples", "browser");
    private static final Path NGINX_SNIPPET = Path.of("examples", "nginx", "eventsourced.conf");

    private static StaticSite site;
    private static Chromium chromium;
    private final TestBroker broker = TestBroker.get();

    @BeforeAll
    static void startBrowser() {
        site = StaticSite.serve(PAGE_DIR);
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopBrowser() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (site != null) {
                site.close();
            }
        }
    }

    @Test
    void messagesAppearInThePageInOrderAndExactly() {
        String queue = TestBroker.uniqueQueue("browser-exact");
        try (TestServer server = TestServer.start("");
                Tab tab = chromium.open(page(server, queue, "greeting,alert"))) {
            awaitOpen(tab);
            List<Seen> published = List.of(
                    new Seen("message", "hello", null),
                    new Seen("message", "line one\nline two\n\n   indented, trailing spaces   \nlast line\n", null),
                    new Seen("message", "Grüße, 世界 — naïve café ✓ 🌍🚀", null),
                    new Seen("message", "", null),
                    new Seen("greeting", "a message with an AMQP message-id and type", "msg-greeting"),
                    new Seen("message", "<b>not bold</b> &amp; <img src=x onerror=alert(1)>", null),
                    new Seen("message", "data: not a field\nid: not an id\n: not a comment\nevent: nope", null),
                    new Seen("alert", "typed, no id: the page keeps the last id it saw", null),
                    new Seen("message", "the end", "msg-end"));
            for (Seen m : published) {
                AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().messageId(m.lastEventId());
                if (!m.type().equals("message")) {
                    props.type(m.type());
                }
                broker.publish(queue, m.data().getBytes(StandardCharsets.UTF_8), props.build());
            }
            // CR and CRLF reach every SSE client as LF
            broker.publish(queue, "crlf\r\nand cr\ronly".getBytes(StandardCharsets.UTF_8), null);

            awaitReceived(tab, published.size() + 1);
            List<Seen> seen = received(tab);
            String firstId = seen.get(0).lastEventId();
            assertTrue(firstId.startsWith("es-"),
                    "before any message-id the browser's last event id is the stream's bare id; got " + firstId);
            List<Seen> expected = new ArrayList<>();
            String lastId = firstId;
            for (Seen m : published) {
                lastId = m.lastEventId() != null ? m.lastEventId() : lastId;
                expected.add(new Seen(m.type(), m.data(), lastId));
            }
            expected.add(new Seen("message", "crlf\nand cr\nonly", lastId));
            assertEquals(expected, seen);

            // and on screen, as text (never HTML), whitespace kept
            assertEquals(expected.stream().map(Seen::data).toList().reversed(),
                    tab.eval("Array.from(document.querySelectorAll('#events .data'), e => e.textContent)"));
            assertEquals("pre-wrap",
                    tab.eval("getComputedStyle(document.querySelector('#events .data')).whiteSpace"));
            assertEquals(0L, tab.evalLong("document.querySelectorAll('#events b, #events img').length"));
        }
    }

    @Test
    void pageReconnectsByItselfAcrossAServerRestartAndSeesEveryMessageOnce() {
        String queue = TestBroker.uniqueQueue("browser-restart");
        // acks far off: everything delivered before the restart comes back from the queue, so
        // only the Last-Event-ID resume keeps the browser from seeing it twice
        String settings = """
                  retry: 200
                delivery:
                  ack_delay: 120
                """;
        TestServer first = TestServer.start("server:\n" + settings);
        int port = first.address().getPort();
        TestServer second = null;
        try (Tab tab = chromium.open(page(first, queue, "update"))) {
            awaitOpen(tab);
            List<Seen> expected = new ArrayList<>();
            publishUpdates(queue, 1, 3, expected);
            awaitReceived(tab, 3);

            first.close();
            tab.await("esState.state === 'connecting'", WAIT, () -> "the page to notice the server went away");
            Await.until(() -> broker.messageCount(queue) == 3, WAIT,
                    () -> "the 3 unacked messages back in the queue, have " + broker.messageCount(queue));
            publishUpdates(queue, 4, 6, expected);

            second = TestServer.start("server:\n  address: 127.0.0.1:" + port + "\n" + settings);
            tab.await("esState.state === 'open' && esState.reconnects >= 1", WAIT,
                    () -> "the browser to reconnect on its own");
            publishUpdates(queue, 7, 8, expected);

            awaitReceived(tab, expected.size());
            assertEquals(expected, received(tab));
            assertEquals(1L, tab.evalLong("esState.reconnects"));
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void pageBehindNginxTakesItsQueueBackWhenTheProxyCutsTheStream() {
        // nginx cuts the idle stream at proxy_read_timeout (2 s), long before the server's next
        // heartbeat (15 s) would show it the client is gone: the browser's reconnect, with
        // Last-Event-ID, must take the queue over from the stream the server still holds
        // rather than get a 503, which would close the EventSource for good
        String queue = TestBroker.uniqueQueue("browser-proxy-cut");
        try (TestServer server = TestServer.start("server:\n  heartbeat: 15\n  retry: 300\n");
                Nginx nginx = Nginx.start(port -> """
                        upstream eventsourced {
                            server 127.0.0.1:%d;
                        }
                        server {
                            listen 127.0.0.1:%d;
                            proxy_read_timeout 2s;
                            include %s;
                        }
                        """.formatted(server.address().getPort(), port, NGINX_SNIPPET.toAbsolutePath()));
                Tab tab = chromium.open(site.origin() + "/index.html?server="
                        + encode("http://127.0.0.1:" + nginx.address().getPort() + "/events/")
                        + "&id=" + encode(queue) + "&types=update")) {
            awaitOpen(tab);
            List<Seen> expected = new ArrayList<>();
            publishUpdates(queue, 1, 2, expected);
            awaitReceived(tab, 2);
            tab.await("esState.reconnects >= 1 && esState.state === 'open'", WAIT,
                    () -> "the page to reconnect through nginx after the cut; esState "
                            + tab.eval("JSON.stringify(esState)") + "\n" + nginx.log());
            publishUpdates(queue, 3, 4, expected);
            awaitReceived(tab, 4);
            assertEquals(expected, received(tab));
        }
    }

    @Test
    void secondTabOnTheSameQueueGets503AndTheFirstKeepsStreaming() {
        String queue = TestBroker.uniqueQueue("browser-busy");
        try (TestServer server = TestServer.start("");
                Tab first = chromium.open(page(server, queue, ""))) {
            awaitOpen(first);
            broker.publish(queue, "one");
            awaitReceived(first, 1);

            try (Tab second = chromium.open(page(server, queue, ""))) {
                second.await("esState.state === 'closed' && esState.readyState === 2", WAIT,
                        () -> "the second tab's EventSource to give up (CLOSED)");
                Tab.Response refusal = streamResponse(second, server);
                assertEquals(503, refusal.status(), "the second tab's stream request: " + refusal);
                assertTrue(refusal.headers().containsKey("Retry-After"), "Retry-After on the 503: " + refusal);
                assertTrue(refusal.headers().containsKey("X-Status-Reason"), "X-Status-Reason on the 503: "
                        + refusal);
                assertEquals(0L, second.evalLong("esState.opens"));

                broker.publish(queue, "two");
                awaitReceived(first, 2);
                assertEquals(List.of("one", "two"), received(first).stream().map(Seen::data).toList());
                assertEquals("open", first.evalString("esState.state"));
                assertEquals(0L, second.evalLong("received.length"));
            }
        }
    }

    @Test
    void withoutCorsHeadersTheBrowserRefusesTheStream() {
        // proves the page really is cross-origin: take the header away and the browser says no
        String queue = TestBroker.uniqueQueue("browser-cors");
        try (TestServer server = TestServer.start("""
                header:
                  cors:
                    Access-Control-Allow-Origin: ~
                """);
                Tab tab = chromium.open(page(server, queue, ""))) {
            tab.await("esState.state === 'closed' && esState.readyState === 2", WAIT,
                    () -> "the browser to refuse a cross-origin stream without Access-Control-Allow-Origin");
            assertTrue(tab.log().contains("CORS"), "the browser's reason:\n" + tab.log());
        }
    }

    @Test
    void pageOpenedFromAFileStreamsToo() {
        // the quick start opens index.html straight from disk (origin "null")
        String queue = TestBroker.uniqueQueue("browser-file");
        String file = PAGE_DIR.resolve("index.html").toAbsolutePath().toUri().toString();
        try (TestServer server = TestServer.start("");
                Tab tab = chromium.open(file + query(server, queue, ""))) {
            awaitOpen(tab);
            broker.publish(queue, "from file://");
            awaitReceived(tab, 1);
            assertEquals("from file://", received(tab).get(0).data());
        }
    }

    private void publishUpdates(String queue, int from, int to, List<Seen> expected) {
        for (int i = from; i <= to; i++) {
            String id = "update-" + i;
            String text = "update " + i + "\nsecond line of " + i;
            broker.publish(queue, text.getBytes(StandardCharsets.UTF_8),
                    new AMQP.BasicProperties.Builder().messageId(id).type("update").build());
            expected.add(new Seen("update", text, id));
        }
    }

    private static String page(TestServer server, String queue, String types) {
        return site.origin() + "/index.html" + query(server, queue, types);
    }

    private static String query(TestServer server, String queue, String types) {
        return "?server=" + encode(server.url("/")) + "&id=" + encode(queue)
                + (types.isEmpty() ? "" : "&types=" + encode(types));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void awaitOpen(Tab tab) {
        tab.await("esState.state === 'open'", WAIT, () -> "the page's EventSource to open");
    }

    private static void awaitReceived(Tab tab, int count) {
        tab.await("received.length >= " + count, WAIT, () -> count + " events in the page, have "
                + tab.eval("JSON.stringify(received)"));
    }

    private static Tab.Response streamResponse(Tab tab, TestServer server) {
        return tab.responses().stream().filter(r -> r.url().startsWith(server.url("/"))).findFirst()
                .orElseThrow(() -> new AssertionError("no response for the stream request; saw "
                        + tab.responses()));
    }

    private static List<Seen> received(Tab tab) {
        List<Seen> seen = new ArrayList<>();
        for (Object e : (List<?>) tab.eval("received.map(e => [e.type, e.data, e.lastEventId])")) {
            List<?> fields = (List<?>) e;
            seen.add(new Seen((String) fields.get(0), (String) fields.get(1), (String) fields.get(2)));
        }
        return seen;
    }

    /** An event as the page's listener saw it. */
    private record Seen(String type, String data, String lastEventId) {
    }
}
