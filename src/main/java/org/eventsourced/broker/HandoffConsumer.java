package org.eventsourced.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.concurrent.BlockingQueue;

/**
 * Runs on the connection's reader thread (deliveries through {@link HandoffChannel}, the other
 * callbacks through CallerRunsExecutor) and never blocks it: every callback only offers to the
 * stream's hand-off queue, which the prefetch window bounds in practice.
 */
final class HandoffConsumer implements Consumer {
    private final BlockingQueue<Handoff> handoff;
    private volatile boolean closing;

    HandoffConsumer(BlockingQueue<Handoff> handoff) {
        this.handoff = handoff;
    }

    /** Our own channel close is not news for the stream. */
    void closing() {
        closing = true;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) {
        delivered(envelope.getDeliveryTag(), properties, body, envelope.isRedeliver());
    }

    /** A delivery, from {@link HandoffChannel} or through {@link #handleDelivery}. */
    void delivered(long tag, AMQP.BasicProperties properties, byte[] body, boolean redelivered) {
        handoff.offer(new Handoff.Delivery(tag, properties.getMessageId(), properties.getType(), body,
                redelivered));
    }

    @Override
    public void handleCancel(String consumerTag) {
        handoff.offer(new Handoff.End(Handoff.Reason.CANCELLED, "consumer cancelled by the broker"));
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
        if (!closing) {
            handoff.offer(new Handoff.End(Handoff.Reason.BROKER_LOST, sig.getMessage()));
        }
    }

    @Override
    public void handleConsumeOk(String consumerTag) {
        // the stream starts writing once basicConsume returns
    }

    @Override
    public void handleCancelOk(String consumerTag) {
        // only we cancel, by closing the channel
    }

    @Override
    public void handleRecoverOk(String consumerTag) {
        // basic.recover is never sent
    }
}
