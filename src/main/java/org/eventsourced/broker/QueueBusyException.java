package org.eventsourced.broker;

/** Another stream already consumes the queue (the broker refused our exclusive consumer). */
public final class QueueBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    public QueueBusyException(String queue) {
        super("queue '" + queue + "' is already being streamed");
    }
}
