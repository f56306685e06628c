package org.eventsourced.resume;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.SseParser;

/**
 * A client that behaves like a browser's EventSource across failures: it remembers the id of
 * the last event it processed and reconnects with it. A 503 during the few hundred
 * milliseconds in which the server has not yet noticed the old connection died is retried
 * (a browser would stop there; the takeover rule exists to make this window short).
 */
final class ResumingClient {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final String queue;
    private final List<String> processed = new ArrayList<>();
    private String lastEventId;
    private SseClient current;
    private int connections;
    private final List<String> trace = new ArrayList<>();

    /** Each processed text with the number of the connection it came on, for failure messages. */
    List<String> trace() {
        return trace;
    }

    ResumingClient(String queue) {
        this.queue = queue;
    }

    List<String> processed() {
        return processed;
    }

    String lastEventId() {
        return lastEventId;
    }

    /** Connects (again) through {@code server}, sending Last-Event-ID once it has one. */
    SseClient connect(Supplier<InetSocketAddress> server) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            SseClient client = lastEventId == null
                    ? SseClient.get(server.get(), "/?id=" + queue)
                    : SseClient.get(server.get(), "/?id=" + queue, "Last-Event-ID: " + lastEventId);
            if (client.status() == 200) {
                connections++;
                current = client;
                return client;
            }
            client.close();
            if (client.status() != 503 || System.nanoTime() > deadline) {
                throw new AssertionError("reconnect refused with " + client.status() + " "
                        + client.header("X-Status-Reason"));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }

    /** Processes {@code count} events of the current connection. */
    void process(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            SseParser.Event event = current.nextEvent(WAIT);
            processed.add(event.data());
            trace.add(event.data() + "@" + connections);
            lastEventId = event.lastEventId();
        }
    }

    /** Processes events until one carries {@code text}. */
    void processUntil(String text) throws IOException {
        while (processed.isEmpty() || !processed.get(processed.size() - 1).equals(text)) {
            process(1);
        }
    }

    /** The connection dies abruptly; whatever was not processed is lost with it. */
    void drop() {
        current.abort();
    }

    SseClient current() {
        return current;
    }
}
