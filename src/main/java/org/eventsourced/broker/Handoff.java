package org.eventsourced.broker;

/** What a consumer callback hands to its stream: a message, or the reason to stop. */
public sealed interface Handoff {

    /**
     * One message from the client's queue.
     *
     * @param tag         the channel's delivery tag (consecutive per channel: one consumer each)
     * @param messageId   AMQP {@code message-id}, or null
     * @param type        AMQP {@code type}, or null
     * @param body        the raw body
     * @param redelivered whether the broker had delivered it before (requeued)
     */
    record Delivery(long tag, String messageId, String type, byte[] body, boolean redelivered)
            implements Handoff {
    }

    /** Tells the stream to end; nothing after it is taken. */
    record End(Reason reason, String detail) implements Handoff {
    }

    /** A wake-up the stream armed for {@code deadlineNanos}: time to look at its deadlines. */
    record Tick(long deadlineNanos) implements Handoff {
    }

    /** Why a stream ends from the server's side. */
    enum Reason {
        /** The queue was deleted or the broker cancelled the consumer. */
        CANCELLED,
        /** The channel or connection to the broker was lost. */
        BROKER_LOST,
        /** The server is shutting down. */
        SHUTDOWN,
        /** A reconnecting client with Last-Event-ID took the queue over. */
        REPLACED,
        /** The stream's access token expired. */
        EXPIRED
    }
}
