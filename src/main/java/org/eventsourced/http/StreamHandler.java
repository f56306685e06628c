package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.eventsourced.broker.BrokerUnavailableException;
import org.eventsourced.broker.QueueBusyException;
import org.eventsourced.broker.Subscription;
import org.eventsourced.metrics.Metrics;
import org.eventsourced.naming.QueueNamePattern;
import org.eventsourced.sse.EventStream;
import org.eventsourced.sse.StreamRegistry;
import org.eventsourced.sse.StreamSettings;

/**
 * {@code GET} on any path but the server's own: resolve the client's queue, hold it with an
 * exclusive consumer, then run the {@link EventStream} on this request's virtual thread.
 */
final class StreamHandler {
    private static final System.Logger LOG = System.getLogger(StreamHandler.class.getName());

    private final QueueNamePattern pattern;
    private final Subscriptions subscriptions;
    private final StreamRegistry registry;
    private final StreamSettings settings;
    private final Map<String, String> sseHeaders;
    private final Metrics metrics;
    private final BooleanSupplier accepting;
    private final String retryAfter;
    private final Access access;
    private final int maxStreams;

    StreamHandler(QueueNamePattern pattern, Subscriptions subscriptions, StreamRegistry registry,
            StreamSettings settings, Map<String, String> sseHeaders, Metrics metrics, BooleanSupplier accepting,
            Access access, int maxStreams) {
        this.access = access;
        this.maxStreams = maxStreams;
        this.pattern = pattern;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.settings = settings;
        this.sseHeaders = Map.copyOf(sseHeaders);
        this.metrics = metrics;
        this.accepting = accepting;
        this.retryAfter = Long.toString(Math.max(1, (settings.retry().toMillis() + 999) / 1000));
    }

    void handle(HttpExchange exchange) throws IOException {
        if (!accepting.getAsBoolean()) {
            unavailable(exchange, "server is shutting down");
            return;
        }
        if (metrics.openStreams() >= maxStreams) {
            metrics.rejectedLimit();
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
            Responses.reject(exchange, 503, "stream limit of this instance reached (" + maxStreams + ")");
            return;
        }
        RequestValues values = requestValues(exchange);
        String queue = values == null ? null : queueName(exchange, values);
        if (queue == null) {
            return;
        }
        long expiresAtNanos = access.admit(exchange, queue, values);
        if (expiresAtNanos == Access.REFUSED) {
            return;
        }
        String lastEventId = LastEventId.of(exchange, values);
        Subscription subscription;
        try {
            subscription = subscriptions.open(queue, lastEventId);
        } catch (QueueBusyException e) {
            metrics.rejectedBusy();
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
            Responses.reject(exchange, 503, e.getMessage());
            return;
        } catch (BrokerUnavailableException e) {
            unavailable(exchange, e.getMessage());
            return;
        }
        try (subscription) {
            stream(exchange, subscription, lastEventId, expiresAtNanos);
        }
    }

    /** The decoded query and cookies, read once per request; null after answering 400. */
    private RequestValues requestValues(HttpExchange exchange) throws IOException {
        try {
            return RequestValues.parse(exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().get("Cookie"));
        } catch (RequestValues.MalformedException e) {
            metrics.rejectedBadRequest();
            Responses.reject(exchange, 400, e.getMessage());
            return null;
        }
    }

    private String queueName(HttpExchange exchange, RequestValues values) throws IOException {
        return switch (pattern.resolve(values.query(), values.cookies())) {
            case QueueNamePattern.Resolution.Named named -> named.name();
            case QueueNamePattern.Resolution.Rejected rejected -> {
                metrics.rejectedBadRequest();
                Responses.reject(exchange, 400, rejected.reason());
                yield null;
            }
        };
    }

    private void stream(HttpExchange exchange, Subscription subscription, String lastEventId, long expiresAtNanos)
            throws IOException {
        sseHeaders.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(200, 0);
        // they are on the wire now, and the JDK server reads them no more: a stream lives for hours,
        // and the ten or so entries (a list and a fresh key string each) are about 1 KB of its memory
        exchange.getResponseHeaders().clear();
        String firstId = lastEventId != null ? lastEventId : freshStreamId();
        OutputStream body = exchange.getResponseBody();
        EventStream stream = new EventStream(subscription, registry.wakeUps(), body, settings, metrics,
                lastEventId, firstId, expiresAtNanos);
        registry.register(stream);
        metrics.streamOpened();
        LOG.log(System.Logger.Level.DEBUG, "stream opened on queue '" + subscription.queue() + "'");
        try {
            EventStream.Outcome outcome = stream.run();
            LOG.log(System.Logger.Level.DEBUG, "stream on queue '" + subscription.queue() + "' ended: " + outcome);
        } finally {
            // the queue is free again before the stream counts as closed
            subscription.close();
            registry.unregister(stream);
            metrics.streamClosed();
        }
    }

    /**
     * The first event id of a fresh stream: it only has to differ from every message id, it
     * proves nothing, so it needs no SecureRandom (UUID.randomUUID took a synchronized read of
     * /dev/urandom and SHA-1 mixing per open: 3-5% of the server's CPU while streams opened).
     */
    private static String freshStreamId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "es-" + new UUID(random.nextLong(), random.nextLong());
    }

    private void unavailable(HttpExchange exchange, String reason) throws IOException {
        metrics.rejectedUnavailable();
        exchange.getResponseHeaders().set("Retry-After", retryAfter);
        Responses.reject(exchange, 503, reason);
    }
}
