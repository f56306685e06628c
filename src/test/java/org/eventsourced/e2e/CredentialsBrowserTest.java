package org.eventsourced.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example page opening its EventSource with {@code {withCredentials: true}} from another
 * origin, against a server whose queue name comes from a cookie and whose
 * {@code Access-Control-Allow-Origin} is an allow-list.
 *
 * <p>The cookie is set for the server's host, 127.0.0.1. Cookies are per host, not per port,
 * and two ports of 127.0.0.1 are the same site, so Chromium sends a plain (SameSite=Lax)
 * cookie with a credentialed request from a page on another port. A page on
 * {@code localhost} would be another site: Chromium would send only a SameSite=None cookie,
 * which must be Secure, which over plain http it never sends.
 */
class CredentialsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path PAGE_DIR = Path.of("examples", "browser");
    private static final String COOKIE = "sid";
    // the page always sends ?id=; the server's pattern ignores it and reads the cookie
    private static final String NOT_THE_QUEUE = "not-the-queue";

    private static StaticSite listed;
    private static StaticSite unlisted;
    private static Chromium chromium;
    private final TestBroker broker = TestBroker.get();

    @BeforeAll
    static void startBrowser() {
        listed = StaticSite.serve(PAGE_DIR);
        unlisted = StaticSite.serve(PAGE_DIR);
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopBrowser() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            try {
                if (listed != null) {
                    listed.close();
                }
            } finally {
                if (unlisted != null) {
                    unlisted.close();
                }
            }
        }
    }

    @Test
    void listedOriginWithCredentialsSendsTheCookieAndStreamsTheQueueItNames() {
        String queue = TestBroker.uniqueQueue("browser-cookie");
        try (TestServer server = startServer()) {
            chromium.setCookie(server.url("/"), COOKIE, queue);
            try (Tab tab = chromium.open(page(listed, server, true))) {
                awaitOpen(tab);
                assertEquals(Boolean.TRUE, tab.eval("esState.withCredentials"));
                broker.publish(queue, "to the queue the cookie names");
                tab.await("received.length >= 1", WAIT, () -> "the message in the page, have "
                        + tab.eval("JSON.stringify(received)"));
                assertEquals("to the queue the cookie names", tab.evalString("received[0].data"));
                assertFalse(broker.queueExists(NOT_THE_QUEUE), "the query's id must not name a queue");

                Tab.Response stream = streamResponse(tab, server);
                assertEquals(200, stream.status(), "the stream request: " + stream);
                assertEquals(listed.origin(), stream.headers().get("Access-Control-Allow-Origin"),
                        "the page's origin echoed: " + stream);
                assertEquals("true", stream.headers().get("Access-Control-Allow-Credentials"), "credentials allowed: "
                        + stream);
                assertEquals("Origin", stream.headers().get("Vary"), "caches told the answer depends on Origin: "
                        + stream);
            }
        }
    }

    @Test
    void listedOriginWithoutCredentialsSendsNoCookieAndGets400() {
        // the control: the same page and cookie, but a plain EventSource leaves the cookie home
        String queue = TestBroker.uniqueQueue("browser-no-cookie");
        try (TestServer server = startServer()) {
            chromium.setCookie(server.url("/"), COOKIE, queue);
            try (Tab tab = chromium.open(page(listed, server, false))) {
                awaitClosed(tab, "a stream request without the cookie to be refused");
                assertEquals(Boolean.FALSE, tab.eval("esState.withCredentials"));
                Tab.Response refusal = streamResponse(tab, server);
                assertEquals(400, refusal.status(), "the stream request: " + refusal);
                assertEquals("missing cookie '" + COOKIE + "'", refusal.headers().get("X-Status-Reason"),
                        "the reason: " + refusal);
                assertFalse(broker.queueExists(queue), "no queue declared without the cookie");
            }
        }
    }

    @Test
    void unlistedOriginWithCredentialsIsRefusedByTheBrowser() {
        String queue = TestBroker.uniqueQueue("browser-unlisted");
        try (TestServer server = startServer()) {
            chromium.setCookie(server.url("/"), COOKIE, queue);
            try (Tab tab = chromium.open(page(unlisted, server, true))) {
                awaitClosed(tab, "the browser to refuse a stream that does not name the page's origin");
                assertEquals(0L, tab.evalLong("esState.opens"));
                assertEquals(0L, tab.evalLong("received.length"));
                assertTrue(tab.log().contains("CORS MissingAllowOriginHeader"),
                        "the browser's reason, no Access-Control-Allow-Origin for this origin:\n" + tab.log());
            }
        }
    }

    /** A server naming queues by cookie that lets the {@code listed} site in, second on its list. */
    private static TestServer startServer() {
        String localhost = listed.origin().replace("//127.0.0.1:", "//localhost:");
        return TestServer.start("""
                queue:
                  pattern: ${cookie:%s}
                header:
                  cors:
                    Access-Control-Allow-Origin: %s %s
                """.formatted(COOKIE, localhost, listed.origin()));
    }

    private static String page(StaticSite site, TestServer server, boolean credentials) {
        return site.origin() + "/index.html?server=" + URLEncoder.encode(server.url("/"), StandardCharsets.UTF_8)
                + "&id=" + NOT_THE_QUEUE + "&credentials=" + (credentials ? "1" : "0");
    }

    private static void awaitOpen(Tab tab) {
        tab.await("esState.state === 'open'", WAIT, () -> "the page's EventSource to open");
    }

    private static void awaitClosed(Tab tab, String expected) {
        tab.await("esState.state === 'closed' && esState.readyState === 2", WAIT,
                () -> expected + " (EventSource CLOSED); esState " + tab.eval("JSON.stringify(esState)"));
    }

    private static Tab.Response streamResponse(Tab tab, TestServer server) {
        return tab.responses().stream().filter(r -> r.url().startsWith(server.url("/"))).findFirst()
                .orElseThrow(() -> new AssertionError("no response for the stream request; saw "
                        + tab.responses()));
    }
}
