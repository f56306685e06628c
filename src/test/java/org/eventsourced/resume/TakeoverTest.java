package org.eventsourced.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;
import org.eventsourced.testsupport.TcpProxy;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** A reconnect with Last-Event-ID replaces a stream that is still held; a fresh open does not. */
class TakeoverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    /** Waits until the stream has been open long enough to be replaced (the loop guard). */
    private static void awaitReplaceable(long openedNanos) {
        Await.until(() -> System.nanoTime() - openedNanos > 2_100_000_000L, WAIT, () -> "stream older than 2 s");
    }

    private static InetSocketAddress via(TcpProxy proxy) {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }

    @Test
    void silentlyDeadStreamIsTakenOverOnTheSameInstanceWithoutLossOrDuplicate() throws Exception {
        try (TestServer server = TestServer.start("");
                TcpProxy path = TcpProxy.to("127.0.0.1", server.address().getPort())) {
            String queue = TestBroker.uniqueQueue("silent-local");
            try {
                silentDeathThenResume(queue, via(path), server.address(), path);
                assertEquals(1, server.server().metrics().takeoversLocal());
            } finally {
                BROKER.delete(queue);
            }
        }
    }

    @Test
    void silentlyDeadStreamOnAnotherInstanceIsTakenOverThroughTheBroker() throws Exception {
        try (TestServer first = TestServer.start("");
                TestServer second = TestServer.start("");
                TcpProxy path = TcpProxy.to("127.0.0.1", first.address().getPort())) {
            String queue = TestBroker.uniqueQueue("silent-remote");
            try {
                silentDeathThenResume(queue, via(path), second.address(), path);
                Await.until(() -> first.server().metrics().takeoversRemote() == 1, WAIT,
                        () -> "the first instance counted a remote takeover");
            } finally {
                BROKER.delete(queue);
            }
        }
    }

    private static void silentDeathThenResume(String queue, InetSocketAddress oldPath, InetSocketAddress newPath,
            TcpProxy proxy) throws Exception {
        ResumingClient client = new ResumingClient(queue);
        client.connect(() -> oldPath);
        long opened = System.nanoTime();
        ResumeTest.publish(queue, 0, 50);
        client.process(50);
        awaitReplaceable(opened);
        proxy.freeze();
        ResumeTest.publish(queue, 50, 100);
        try (SseClient fresh = SseClient.get(newPath, "/?id=" + queue)) {
            assertEquals(503, fresh.status(), "a fresh open (no Last-Event-ID) still gets 503");
        }
        // The frozen path still holds the old stream (its writes land in the proxy's buffers, so
        // neither heartbeat nor write timeout ends it): only a takeover lets this reconnect stream.
        client.connect(() -> newPath);
        client.process(50);
        assertEquals(ResumeTest.texts(100), client.processed());
    }

    @Test
    void twoLiveClientsDoNotReplaceEachOtherInALoop() throws Exception {
        try (TestServer server = TestServer.start("")) {
            String queue = TestBroker.uniqueQueue("two-tabs");
            try (SseClient first = server.stream(queue, "Last-Event-ID: tab-1")) {
                long opened = System.nanoTime();
                first.readUntil("\n\n", WAIT);
                awaitReplaceable(opened);
                try (SseClient second = server.stream(queue, "Last-Event-ID: tab-2")) {
                    assertEquals(200, second.status(), "a reconnect takes over an old stream");
                    SseParser.Event farewell = first.nextEvent(WAIT);
                    assertEquals("eventsourced-replaced", farewell.type());
                    first.readToEnd(WAIT);
                    assertTrue(first.parser().retry() < 2000, "the replaced tab comes back before a takeover is allowed");
                    try (SseClient firstAgain = server.stream(queue, "Last-Event-ID: tab-1")) {
                        assertEquals(503, firstAgain.status(), "the young stream is not replaced back");
                    }
                    BROKER.publish(queue, "to the second tab");
                    assertEquals("to the second tab", second.nextEvent(WAIT).data());
                }
            } finally {
                BROKER.delete(queue);
            }
        }
    }

    @Test
    void takeoverNeverKeepsTheOriginal503() throws Exception {
        try (TestServer server = TestServer.start("""
                queue:
                  takeover: never
                """)) {
            String queue = TestBroker.uniqueQueue("never");
            try (SseClient first = server.stream(queue)) {
                long opened = System.nanoTime();
                first.readUntil("\n\n", WAIT);
                awaitReplaceable(opened);
                try (SseClient second = server.stream(queue, "Last-Event-ID: x")) {
                    assertEquals(503, second.status());
                }
            } finally {
                BROKER.delete(queue);
            }
        }
    }

    @Test
    void resumeWorksAcrossAServerRestartAndAcrossInstances() throws Exception {
        String queue = TestBroker.uniqueQueue("restart");
        ResumingClient client = new ResumingClient(queue);
        try {
            TestServer first = TestServer.start("");
            int port = first.address().getPort();
            client.connect(first::address);
            ResumeTest.publish(queue, 0, 100);
            client.process(60);
            first.close();
            ResumeTest.publish(queue, 100, 200);
            TestServer restarted = TestServer.start("""
                    server:
                      address: 127.0.0.1:%d
                    """.formatted(port));
            client.connect(restarted::address);
            client.process(100);
            restarted.close();
            try (TestServer other = TestServer.start("")) {
                ResumeTest.publish(queue, 200, 300);
                client.connect(other::address);
                client.process(140);
            }
            assertEquals(ResumeTest.texts(300), client.processed());
        } finally {
            BROKER.delete(queue);
        }
    }
}
