package org.eventsourced.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;

/**
 * One stream per quorum queue. Quorum queues accept a second consumer even when the first
 * asked to be exclusive, so the stream also declares an exclusive classic queue named after
 * the client's queue: the broker lets only one connection hold it (RESOURCE_LOCKED for the
 * others), and it vanishes with its connection if the server dies. Streams sharing one
 * connection are kept apart by {@link QueueClaims}.
 */
final class QueueLock {
    private static final long FORMER_CONSUMER_WAIT_NANOS = 5_000_000_000L;

    private QueueLock() {
    }

    /**
     * Takes the lock for {@code queue}; a refusal closes the channel and surfaces as an
     * IOException with reply code 405.
     */
    static String take(Channel channel, String queue) throws IOException {
        String name = nameFor(queue);
        channel.queueDeclare(name, false, true, true, null);
        return name;
    }

    /**
     * A quorum queue removes a closed consumer asynchronously; until it has, new messages can
     * still be assigned to it and come back later, out of order. With the lock held no live
     * stream consumes, so any consumer still counted is on its way out: wait for it (bounded).
     *
     * @return the messages ready once it is gone (its unacked ones included)
     */
    static int awaitFormerConsumerGone(Channel channel, String queue) throws IOException {
        long deadline = System.nanoTime() + FORMER_CONSUMER_WAIT_NANOS;
        AMQP.Queue.DeclareOk state = channel.queueDeclarePassive(queue);
        while (state.getConsumerCount() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000L);
            state = channel.queueDeclarePassive(queue);
        }
        if (state.getConsumerCount() > 0) {
            System.getLogger(QueueLock.class.getName()).log(System.Logger.Level.WARNING, "quorum queue '" + queue
                    + "' still lists a former consumer; messages it held may arrive out of order");
        }
        return state.getMessageCount();
    }

    static void release(Channel channel, String lock) {
        try {
            if (channel.isOpen()) {
                channel.queueDelete(lock);
            }
        } catch (IOException | RuntimeException e) {
            // the lock goes with the connection anyway
        }
    }

    /** Client queue names may use all 255 bytes, so the lock is named by a digest. */
    static String nameFor(String queue) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(queue.getBytes(StandardCharsets.UTF_8));
            return "eventsourced.lock." + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
