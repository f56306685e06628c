package org.eventsourced.http;

import org.eventsourced.broker.BrokerPool;
import org.eventsourced.broker.BrokerUnavailableException;
import org.eventsourced.broker.QueueBusyException;
import org.eventsourced.broker.QueueOptions;
import org.eventsourced.broker.Subscription;

/** Opens a stream's subscription on its queue. */
final class Subscriptions {
    private final BrokerPool pool;
    private final QueueOptions options;

    Subscriptions(BrokerPool pool, QueueOptions options) {
        this.pool = pool;
        this.options = options;
    }

    Subscription open(String queue, String lastEventId) throws BrokerUnavailableException, QueueBusyException {
        return Subscription.open(pool, queue, options);
    }
}
