package org.eventsourced.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * One Chrome DevTools Protocol connection over the JDK's WebSocket client, in flat session
 * mode: a command for a page carries that page's {@code sessionId}. Commands block until the
 * browser answers; events are passed to the handler given, on the WebSocket's thread, so it
 * must not block.
 */
final class Cdp implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    // WebSocket.sendText must not be called again before the previous send completed
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile String closedBecause;

    private Cdp(WebSocket socket) {
        this.socket = socket;
    }

    /**
     * Connects to a browser's DevTools endpoint.
     *
     * @param onEvent gets (sessionId or null, message) for every event
     */
    static Cdp connect(URI endpoint, BiConsumer<String, Map<String, Object>> onEvent) throws IOException {
        Receiver receiver = new Receiver(onEvent);
        try {
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(endpoint, receiver)
                    .get(15, TimeUnit.SECONDS);
            Cdp cdp = new Cdp(socket);
            receiver.cdp = cdp;
            return cdp;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open the DevTools WebSocket " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + endpoint, e);
        }
    }

    /** Sends a browser-level command and waits for its result. */
    Map<String, Object> send(String method, Map<String, Object> params) {
        return send(null, method, params);
    }

    /**
     * Sends a command, to a page's session when {@code sessionId} is not null, and waits for
     * its result.
     *
     * @throws AssertionError when the browser answers with an error, or not in time
     */
    Map<String, Object> send(String sessionId, String method, Map<String, Object> params) {
        long id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            String closed = closedBecause;
            if (closed != null) {
                throw new AssertionError("DevTools connection is closed (" + closed + "); cannot send " + method);
            }
            sendLock.lock();
            try {
                socket.sendText(Json.write(message), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                sendLock.unlock();
            }
            Map<String, Object> reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.get("error") instanceof Map<?, ?> error) {
                throw new AssertionError("DevTools " + method + " failed: " + error.get("message")
                        + (error.get("data") != null ? " (" + error.get("data") + ")" : ""));
            }
            return asMap(reply.get("result"));
        } catch (ExecutionException e) {
            throw new AssertionError("DevTools " + method + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("DevTools " + method + ": no answer within " + COMMAND_TIMEOUT.toSeconds()
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    private void onMessage(String text, BiConsumer<String, Map<String, Object>> onEvent) {
        Map<String, Object> message = asMap(Json.parse(text));
        if (message.get("id") instanceof Long id) {
            CompletableFuture<Map<String, Object>> answer = pending.get(id);
            if (answer != null) {
                answer.complete(message);
            }
        } else if (message.containsKey("method")) {
            onEvent.accept((String) message.get("sessionId"), message);
        }
    }

    private void onClosed(String why) {
        closedBecause = why;
        pending.values().forEach(f -> f.completeExceptionally(new IOException("DevTools connection closed: " + why)));
    }

    @Override
    public void close() {
        if (closedBecause == null) {
            closedBecause = "closed by the test";
        }
        socket.abort();
    }

    /** Reassembles text frames into messages; the JDK calls it from one thread at a time. */
    private static final class Receiver implements WebSocket.Listener {
        private final BiConsumer<String, Map<String, Object>> onEvent;
        private final StringBuilder partial = new StringBuilder();
        private volatile Cdp cdp;

        Receiver(BiConsumer<String, Map<String, Object>> onEvent) {
            this.onEvent = onEvent;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Cdp c = cdp;
                if (c != null) {
                    c.onMessage(text, onEvent);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            Cdp c = cdp;
            if (c != null) {
                c.onClosed("status " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            Cdp c = cdp;
            if (c != null) {
                c.onClosed(error.toString());
            }
        }
    }
}
