package org.eventsourced.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One EventSource-like client on a raw socket, read by its own virtual thread: request, response head, chunked
 * decoding, SSE parsing, and each event handed to the stream's {@link Ledger.Tally}. No reconnects: a stream that
 * ends while the bench still reads it is an anomaly.
 */
final class SseStream {
    /**
     * How opening went.
     *
     * @param ok     200 text/event-stream and a first line read
     * @param status HTTP status, 0 if none was read
     * @param reason X-Status-Reason or the exception, for failures
     * @param nanos  from starting connect to the first line of the body (or to the failure)
     */
    record Open(boolean ok, int status, String reason, long nanos) {
    }

    private static final int OPEN_TIMEOUT_MS = 30_000;

    private final InetSocketAddress server;
    private final String queue;
    private final Ledger.Tally tally;
    private final Anomalies anomalies;
    private final Runnable onOpenDone;
    private final Socket socket = new Socket();
    private final CompletableFuture<Open> opened = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile int localPort;
    private volatile String endedBy = "";

    private SseStream(InetSocketAddress server, String queue, Ledger.Tally tally, Anomalies anomalies,
                      Runnable onOpenDone, boolean platformThread) {
        this.server = server;
        this.queue = queue;
        this.tally = tally;
        this.anomalies = anomalies;
        this.onOpenDone = onOpenDone;
        // a virtual reader's socket read parks on the JDK's poller, so a message wakes the poller thread, then a
        // carrier; a platform reader blocks in read(2) and is woken once (bench/README.md, "--readers")
        Thread.Builder threads = platformThread
                ? Thread.ofPlatform().daemon().stackSize(256 * 1024)
                : Thread.ofVirtual();
        this.thread = threads.name("sse-" + queue).unstarted(this::run);
        this.thread.setUncaughtExceptionHandler((t, e) -> System.err.println(t.getName() + " died: " + e));
    }

    /**
     * Starts reading {@code GET /?id=queue} in a new thread.
     *
     * @param tally      where events go; null for a stream that expects none
     * @param onOpenDone run once when opening succeeded or failed (e.g. releases a concurrency permit)
     * @param platformThread read by a platform thread instead of a virtual one
     */
    static SseStream start(InetSocketAddress server, String queue, Ledger.Tally tally, Anomalies anomalies,
                           Runnable onOpenDone, boolean platformThread) {
        SseStream s = new SseStream(server, queue, tally, anomalies, onOpenDone, platformThread);
        s.thread.start();
        return s;
    }

    String queue() {
        return queue;
    }

    /** For diagnostics: the client's port, and whether and how its reader ended. */
    String describe() {
        return queue + " (client port " + localPort + ", reader " + (thread.isAlive() ? "alive" : "ended")
                + (endedBy.isEmpty() ? "" : ": " + endedBy) + ")";
    }

    Open awaitOpen(Duration timeout) throws InterruptedException {
        try {
            return opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return new Open(false, 0, String.valueOf(e.getCause()), 0);
        } catch (TimeoutException e) {
            return new Open(false, 0, "no first line within " + timeout, timeout.toNanos());
        }
    }

    /**
     * Idempotent. Shuts input down so that the reader reads end-of-stream and closes the socket itself: a
     * close from this thread while the reader is parked on the socket left, in a third or more of the full
     * bench runs on JDK 25, the socket alive in the kernel with no descriptor (FIN-WAIT-2, still acknowledging the
     * server's heartbeats), so the server never saw the client go (README "Performance").
     */
    void close() {
        closing = true;
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            closeSocket(); // not connected yet, or already closed: nothing parked on it to wake
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that is already broken: nothing to report
        }
    }

    boolean join(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    private void opened(Open o) {
        if (opened.complete(o)) {
            onOpenDone.run();
        }
    }

    private void run() {
        long t0 = System.nanoTime();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(OPEN_TIMEOUT_MS);
            socket.connect(server, OPEN_TIMEOUT_MS);
            localPort = socket.getLocalPort();
            OutputStream out = socket.getOutputStream();
            String host = server.getHostString() + ":" + server.getPort();
            out.write(("GET /?id=" + URLEncoder.encode(queue, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + "Accept: text/event-stream\r\n"
                    + "Cache-Control: no-cache\r\n"
                    + "User-Agent: eventsourced-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream raw = new BufferedInputStream(socket.getInputStream(), 8192);
            String statusLine = headLine(raw);
            String[] parts = statusLine.split(" ", 3);
            int status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
            boolean chunked = false;
            String contentType = "";
            String reason = parts.length == 3 ? parts[2] : "";
            for (int i = 0; i < 100; i++) {
                String h = headLine(raw);
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "content-type" -> contentType = value;
                    case "x-status-reason" -> reason = value;
                    default -> { }
                }
            }
            if (status != 200) {
                opened(new Open(false, status, reason, System.nanoTime() - t0));
                return;
            }
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                anomalies.notEventStream.increment();
                anomalies.sample(queue + ": Content-Type " + contentType);
            }
            SseParser parser = new SseParser(chunked ? new ChunkedInput(raw) : raw, 4096);
            SseParser.Kind first = parser.next();
            if (first == SseParser.Kind.EOF) {
                opened(new Open(false, status, "stream ended before its first line", System.nanoTime() - t0));
                return;
            }
            opened(new Open(true, status, "", System.nanoTime() - t0));
            socket.setSoTimeout(0);
            SseParser.Kind kind = first;
            if (kind != SseParser.Kind.COMMENT) {
                anomalies.firstLineNotComment.increment();
                anomalies.sample(queue + ": first line of the stream was not a comment");
            }
            for (; kind != SseParser.Kind.EOF; kind = parser.next()) {
                if (kind == SseParser.Kind.EVENT) {
                    long now = System.nanoTime();
                    if (tally != null) {
                        tally.onMessage(parser.eventId(), parser.eventType(), parser.eventData(), now);
                    } else {
                        anomalies.eventsWithoutLedger.increment();
                    }
                }
            }
            endedBy = closing ? "end of stream after close" : "end of stream";
            if (parser.unknownFields() > 0) {
                anomalies.unknownFields.add(parser.unknownFields());
            }
            if (!closing) {
                anomalies.endedByServer.increment();
                anomalies.sample(queue + ": server ended the stream");
            }
        } catch (IOException | RuntimeException e) {
            endedBy = (closing ? "after close: " : "") + e;
            if (!opened.isDone()) {
                opened(new Open(false, 0, e.toString(), System.nanoTime() - t0));
            } else if (!closing) {
                anomalies.endedByServer.increment();
                anomalies.sample(queue + ": " + e);
            }
        } finally {
            closeSocket();
            opened(new Open(false, 0, "reader ended", System.nanoTime() - t0));
        }
    }

    private static String headLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < 8192; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the response head");
            }
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("response head line over 8 KiB");
    }
}
