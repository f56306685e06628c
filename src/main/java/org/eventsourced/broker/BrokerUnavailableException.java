package org.eventsourced.broker;

/** No broker node could give a channel right now; the client should come back later. */
public final class BrokerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
