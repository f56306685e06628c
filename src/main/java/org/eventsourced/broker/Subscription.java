package org.eventsourced.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream's hold on its client's queue: a channel of its own, the queue declared, an
 * exclusive consumer with manual acks, and the hand-off queue the consumer fills.
 *
 * <p>Threading: {@link #end} may be called from any thread; everything else only from the
 * stream's request thread, which owns the channel. Closing the channel returns every unacked
 * delivery to the queue.
 */
public final class Subscription implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Subscription.class.getName());

    private final String queue;
    private final ChannelLease lease;
    private final HandoffConsumer consumer;
    private final LinkedBlockingQueue<Handoff> handoff;
    private final int readyAtStart;
    private final String lock;
    private final QueueClaims claims;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Subscription(String queue, ChannelLease lease, HandoffConsumer consumer,
            LinkedBlockingQueue<Handoff> handoff, int readyAtStart, String lock, QueueClaims claims) {
        this.queue = queue;
        this.lease = lease;
        this.consumer = consumer;
        this.handoff = handoff;
        this.readyAtStart = readyAtStart;
        this.lock = lock;
        this.claims = claims;
    }

    /**
     * Declares the queue if absent and starts the exclusive consumer.
     *
     * @param countReady whether the caller needs {@link #readyAtStart} (a resume): a fresh
     *                   stream does not, and its declare then waits for no reply
     * @throws QueueBusyException         another consumer holds the queue
     * @throws BrokerUnavailableException no channel could be had, or the broker failed meanwhile
     */
    public static Subscription open(BrokerPool pool, String queue, QueueOptions options, boolean countReady)
            throws BrokerUnavailableException, QueueBusyException {
        if (!pool.claims().claim(queue)) {
            throw new QueueBusyException(queue);
        }
        try {
            return openClaimed(pool, queue, options, countReady);
        } catch (BrokerUnavailableException | QueueBusyException | RuntimeException e) {
            pool.claims().release(queue);
            throw e;
        }
    }

    private static Subscription openClaimed(BrokerPool pool, String queue, QueueOptions options,
            boolean countReady) throws BrokerUnavailableException, QueueBusyException {
        ChannelLease lease = pool.openChannel();
        try {
            int ready;
            try {
                ready = declare(lease.channel, queue, options, countReady);
                // after a no-wait declare this is the RPC that reports its failure
                lease.channel.basicQos(options.prefetch());
            } catch (IOException | AlreadyClosedException e) {
                if (replyCode(e) != AMQP.PRECONDITION_FAILED) {
                    throw e;
                }
                // the queue exists with other arguments (e.g. an older expire): use it as it is
                LOG.log(System.Logger.Level.WARNING, "queue '" + queue + "' exists with other arguments; using it");
                lease.close();
                lease = pool.openChannel();
                ready = lease.channel.queueDeclarePassive(queue).getMessageCount();
                lease.channel.basicQos(options.prefetch());
            }
            String lock = null;
            if (options.quorum()) {
                lock = QueueLock.take(lease.channel, queue);
                ready = QueueLock.awaitFormerConsumerGone(lease.channel, queue);
            }
            LinkedBlockingQueue<Handoff> handoff = new LinkedBlockingQueue<>();
            HandoffConsumer consumer = new HandoffConsumer(handoff);
            if (lease.channel instanceof HandoffChannel handoffChannel) {
                handoffChannel.deliverTo(consumer);
            }
            lease.channel.basicConsume(queue, false, "", false, true, null, consumer);
            return new Subscription(queue, lease, consumer, handoff, ready, lock,
                    pool.claims());
        } catch (IOException | AlreadyClosedException e) {
            lease.close();
            int code = replyCode(e);
            if (code == AMQP.ACCESS_REFUSED || code == AMQP.RESOURCE_LOCKED) {
                throw new QueueBusyException(queue);
            }
            throw new BrokerUnavailableException("broker failed on queue '" + queue + "': " + e.getMessage());
        }
    }

    /**
     * Declares the queue; returns its ready messages, or 0 when not counted. Without a count the
     * declare waits for no reply: one broker round trip less per fresh stream (of four), and the
     * broker handles the channel's commands in order, so the next RPC fails if the declare did.
     * A quorum queue is counted once its lock is held (QueueLock), never here.
     */
    private static int declare(Channel channel, String queue, QueueOptions options, boolean countReady)
            throws IOException {
        if (countReady && !options.quorum()) {
            return channel.queueDeclare(queue, true, false, false, arguments(options)).getMessageCount();
        }
        channel.queueDeclareNoWait(queue, true, false, false, arguments(options));
        return 0;
    }

    private static Map<String, Object> arguments(QueueOptions options) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-expires", options.expire().toMillis());
        if (options.quorum()) {
            args.put("x-queue-type", "quorum");
        }
        return args;
    }

    /** The AMQP reply code behind a channel or connection error, or 0. */
    private static int replyCode(Exception e) {
        Throwable t = e instanceof ShutdownSignalException ? e : e.getCause();
        if (t instanceof ShutdownSignalException sig) {
            Object reason = sig.getReason();
            if (reason instanceof AMQP.Channel.Close close) {
                return close.getReplyCode();
            }
            if (reason instanceof AMQP.Connection.Close close) {
                return close.getReplyCode();
            }
        }
        return 0;
    }

    public String queue() {
        return queue;
    }

    /** Messages that were ready in the queue when the stream started; 0 when not counted (see open). */
    public int readyAtStart() {
        return readyAtStart;
    }

    /** The next hand-off, waiting as long as it takes. */
    public Handoff take() throws InterruptedException {
        return handoff.take();
    }

    /** The next hand-off if one is waiting, else null. */
    public Handoff poll() {
        return handoff.poll();
    }

    /** Hands the stream the wake-up it armed for {@code deadlineNanos}; safe from any thread. */
    public void wake(long deadlineNanos) {
        handoff.offer(new Handoff.Tick(deadlineNanos));
    }

    /** Moves whatever is waiting into {@code into}, without blocking. */
    public void drainTo(Collection<Handoff> into) {
        handoff.drainTo(into);
    }

    /** Acks every delivery up to and including {@code tag}. */
    public void ack(long tag) throws IOException {
        lease.channel.basicAck(tag, true);
    }

    /** Asks the stream to end; safe from any thread. */
    public void end(Handoff.End reason) {
        handoff.offer(reason);
    }

    /** Closes the channel: unacked deliveries return to the queue. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        consumer.closing();
        if (lock != null) {
            QueueLock.release(lease.channel, lock);
        }
        lease.close();
        claims.release(queue);
    }
}
