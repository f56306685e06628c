package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.eventsourced.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** What CI can afford of the 10,000-stream goal: 2,000 concurrent streams, one message each. */
class ManyStreamsTest {
    private static final int STREAMS = 2000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TestBroker BROKER = TestBroker.get();

    @Test
    void twoThousandConcurrentStreamsEachGetTheirMessage() throws Exception {
        String prefix = TestBroker.uniqueQueue("many");
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            queues.add(prefix + "-" + i);
        }
        List<SseClient> clients = new ArrayList<>();
        try (TestServer server = TestServer.start("""
                queue:
                  expire: 60
                """)) {
            Semaphore inFlight = new Semaphore(64);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<SseClient>> opened = new ArrayList<>();
                for (String queue : queues) {
                    opened.add(pool.submit(() -> {
                        inFlight.acquire();
                        try {
                            SseClient client = server.stream(queue);
                            client.readUntil("\n\n", WAIT);
                            return client;
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
                for (Future<SseClient> f : opened) {
                    clients.add(f.get());
                }
            }
            long refused = clients.stream().filter(c -> c.status() != 200).count();
            assertEquals(0, refused, "refused streams");
            assertEquals(STREAMS, server.server().metrics().openStreams());
            BROKER.withChannel(ch -> {
                for (int i = 0; i < STREAMS; i++) {
                    ch.basicPublish("", queues.get(i), null, ("for " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            });
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> read = new ArrayList<>();
                for (SseClient client : clients) {
                    read.add(pool.submit(() -> client.nextEvent(WAIT).data()));
                }
                for (int i = 0; i < STREAMS; i++) {
                    assertEquals("for " + i, read.get(i).get());
                }
            }
        } finally {
            clients.forEach(SseClient::close);
            BROKER.withChannel(ch -> {
                for (String queue : queues) {
                    ch.queueDelete(queue);
                }
            });
        }
    }
}
