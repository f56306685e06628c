package org.eventsourced.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** Nothing is acked before it was written; what is not acked returns to the queue. */
class AckTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    @Test
    void withZeroAckDelayWrittenMessagesAreAckedAndNothingElse() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                delivery:
                  ack_delay: 0
                  ack_window: 0
                """)) {
            String queue = TestBroker.uniqueQueue("ack-now");
            try (SseClient client = server.stream(queue)) {
                client.readUntil("\n\n", WAIT);
                for (int i = 0; i < 20; i++) {
                    BROKER.publish(queue, "m" + i);
                }
                assertEquals("m19", client.nextEvents(20, WAIT).get(19).data());
            }
            server.awaitOpenStreams(0);
            assertEquals(0, BROKER.messageCount(queue), "all written messages were acked");
            BROKER.delete(queue);
        }
    }

    @Test
    void unackedMessagesReturnToTheQueueWhenTheClientDisconnects() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                delivery:
                  ack_delay: 60
                  ack_window: 100
                """)) {
            String queue = TestBroker.uniqueQueue("requeue");
            SseClient client = server.stream(queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 30; i++) {
                BROKER.publish(queue, "m" + i);
            }
            client.nextEvents(30, WAIT);
            client.abort();
            server.awaitOpenStreams(0);
            Await.until(() -> BROKER.messageCount(queue) == 30, WAIT,
                    () -> "30 messages back in the queue, have " + BROKER.messageCount(queue));
            try (SseClient again = server.stream(queue)) {
                assertEquals("m0", again.nextEvent(WAIT).data(), "redelivered in order");
            }
            BROKER.delete(queue);
        }
    }

    @Test
    void pastTheAckWindowOnlyTheNewestStayUnacked() throws Exception {
        try (TestServer server = TestServer.start("""
                server:
                  heartbeat: 1
                queue:
                  prefetch: 50
                delivery:
                  ack_delay: 60
                  ack_window: 10
                """)) {
            String queue = TestBroker.uniqueQueue("window");
            SseClient client = server.stream(queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 100; i++) {
                BROKER.publish(queue, "m" + i);
            }
            assertEquals("m99", client.nextEvents(100, WAIT).get(99).data(), "the window never stalls the stream");
            client.abort();
            server.awaitOpenStreams(0);
            // acks past the window go out in steps of half the window: 10 to 14 stay unacked
            Await.until(() -> BROKER.messageCount(queue) >= 10, WAIT,
                    () -> "the last 10 back in the queue, have " + BROKER.messageCount(queue));
            assertTrue(BROKER.messageCount(queue) <= 14, "more than a step past the window stayed unacked: "
                    + BROKER.messageCount(queue));
            BROKER.delete(queue);
        }
    }
}
