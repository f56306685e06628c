package org.eventsourced.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Messages read as SSE from eventsourced, one raw-socket stream per queue. */
final class SseRoute implements Route {
    private final Server server;
    private final Anomalies anomalies;
    private final boolean platformReaders;

    SseRoute(Server server, Anomalies anomalies, boolean platformReaders) {
        this.server = server;
        this.anomalies = anomalies;
        this.platformReaders = platformReaders;
    }

    @Override
    public String label() {
        return "eventsourced";
    }

    @Override
    public Batch open(List<String> queues, int firstStream, Ledger ledger, int concurrency)
            throws InterruptedException {
        Batch batch = new Batch();
        Semaphore permits = new Semaphore(concurrency);
        List<SseStream> streams = new ArrayList<>(queues.size());
        long t0 = System.nanoTime();
        for (int i = 0; i < queues.size(); i++) {
            permits.acquire();
            streams.add(SseStream.start(server.address(), queues.get(i), ledger.tally(firstStream + i), anomalies,
                    permits::release, platformReaders));
        }
        // every stream releases its permit within its own open timeout, so this wait is bounded
        if (permits.tryAcquire(concurrency, 120, TimeUnit.SECONDS)) {
            permits.release(concurrency);
        }
        batch.elapsed(System.nanoTime() - t0);
        for (int i = 0; i < streams.size(); i++) {
            SseStream.Open o = streams.get(i).awaitOpen(Duration.ofSeconds(1));
            if (o.ok()) {
                batch.opened(o.nanos());
            } else {
                batch.failed(o.status() > 0 ? "HTTP " + o.status() + " " + o.reason() : o.reason());
                ledger.tally(firstStream + i).abandon();
            }
        }
        batch.describer(q -> {
            for (SseStream s : streams) {
                if (s.queue().equals(q)) {
                    return s.describe();
                }
            }
            return q + " (not in this batch)";
        });
        batch.add(() -> {
            for (SseStream s : streams) {
                s.close();
            }
            for (SseStream s : streams) {
                if (!s.join(Duration.ofSeconds(10))) {
                    System.err.println("bench: reader of " + s.queue() + " did not end within 10 s of close");
                }
            }
        });
        return batch;
    }

    @Override
    public void close() {
        // streams are owned by their batches
    }
}
