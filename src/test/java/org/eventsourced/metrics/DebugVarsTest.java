package org.eventsourced.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** /debug/vars keeps the original's expvar shape and counts honestly. */
class DebugVarsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void hasExpvarShapeWithOriginalKeys() {
        try (TestServer server = TestServer.start("")) {
            var response = server.get("/debug/vars");
            assertEquals(200, response.statusCode());
            assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            String json = response.body();
            assertTrue(json.startsWith("{\"cmdline\":[\"eventsourced-test\"],\"memstats\":{"), json);
            for (String key : new String[] {"Alloc", "TotalAlloc", "Sys", "HeapAlloc", "HeapSys", "HeapInuse",
                "NumGC", "NumForcedGC", "PauseTotalNs"}) {
                assertTrue(number(json, key) >= 0, key);
            }
            assertTrue(json.contains("\"eventsourced\":{"), json);
            assertEquals(1, number(json, "Broker"));
            assertEquals(0, number(json, "Consumer"));
            assertEquals(0, number(json, "Delivery"));
            assertTrue(number(json, "Goroutines") > 0);
            assertTrue(number(json, "Uptime") > 0);
            assertTrue(json.contains("\"Nodes\":[{\"Node\":\"amqp://guest:****@"), json);
            assertTrue(!json.contains("guest:guest"), "no password in " + json);
        }
    }

    @Test
    void consumerCountsOpenStreamsAndTotalsCountDeliveries() throws Exception {
        try (TestServer server = TestServer.start("")) {
            String a = TestBroker.uniqueQueue("vars-a");
            String b = TestBroker.uniqueQueue("vars-b");
            try (SseClient first = server.stream(a); SseClient second = server.stream(b)) {
                first.readUntil("\n\n", WAIT);
                second.readUntil("\n\n", WAIT);
                assertEquals(2, number(server.get("/debug/vars").body(), "Consumer"));
                for (int i = 0; i < 5; i++) {
                    BROKER.publish(a, "x");
                }
                first.nextEvents(5, WAIT);
                Await.until(() -> number(server.get("/debug/vars").body(), "DeliveredTotal") == 5, WAIT,
                        () -> "5 delivered");
                try (SseClient busy = server.stream(a)) {
                    assertEquals(503, busy.status());
                }
                assertEquals(1, number(server.get("/debug/vars").body(), "RejectedBusyTotal"));
            } finally {
                BROKER.delete(a);
                BROKER.delete(b);
            }
            server.awaitOpenStreams(0);
        }
    }
}
