package org.eventsourced.http;

import java.util.concurrent.locks.LockSupport;
import org.eventsourced.broker.BrokerPool;
import org.eventsourced.broker.BrokerUnavailableException;
import org.eventsourced.broker.QueueBusyException;
import org.eventsourced.broker.QueueOptions;
import org.eventsourced.broker.Subscription;
import org.eventsourced.sse.StreamRegistry;

/**
 * Opens a stream's subscription, taking the queue over when a reconnecting client (one that
 * sends Last-Event-ID) finds it still held by its own dead stream, here or on another
 * instance. A fresh open of a held queue gets 503, as in the original.
 */
final class Subscriptions {
    private static final long TAKEOVER_WAIT_NANOS = 1_500_000_000L;
    private static final long RETRY_PAUSE_NANOS = 20_000_000L;
    private static final long FIRST_CONNECTION_WAIT_NANOS = 900_000_000L;

    private final BrokerPool pool;
    private final QueueOptions options;
    private final StreamRegistry registry;
    private final boolean takeover;

    Subscriptions(BrokerPool pool, QueueOptions options, StreamRegistry registry, boolean takeover) {
        this.pool = pool;
        this.options = options;
        this.registry = registry;
        this.takeover = takeover;
        if (takeover) {
            pool.control().onTakeoverRequest(queue -> registry.replace(queue, true));
        }
    }

    Subscription open(String queue, String lastEventId) throws BrokerUnavailableException, QueueBusyException {
        pool.awaitFirstConnection(FIRST_CONNECTION_WAIT_NANOS);
        try {
            return Subscription.open(pool, queue, options, lastEventId != null);
        } catch (QueueBusyException busy) {
            if (!takeover || lastEventId == null) {
                throw busy;
            }
            return takeOver(queue, busy);
        }
    }

    private Subscription takeOver(String queue, QueueBusyException busy)
            throws BrokerUnavailableException, QueueBusyException {
        if (registry.find(queue) != null) {
            if (!registry.replace(queue, false)) {
                throw busy;
            }
        } else {
            pool.control().requestTakeover(queue);
        }
        long deadline = System.nanoTime() + TAKEOVER_WAIT_NANOS;
        while (true) {
            LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            try {
                return Subscription.open(pool, queue, options, true);
            } catch (QueueBusyException stillBusy) {
                if (System.nanoTime() > deadline) {
                    throw stillBusy;
                }
            }
        }
    }
}
