package org.eventsourced.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.testsupport.TestBroker;
import org.junit.jupiter.api.Test;

/** Deliveries straight from the connection's reader to the stream's queue, on a real broker. */
class HandoffChannelTest {
    private static final TestBroker BROKER = TestBroker.get();

    private static String declaredQueue(String prefix) {
        String queue = TestBroker.uniqueQueue(prefix);
        BROKER.declare(queue, 60_000);
        return queue;
    }

    private static Connection connect() throws Exception {
        return Node.factory(BrokerNode.of(BROKER.url()), 0, new CallerRunsExecutor()).newConnection("handoff-test");
    }

    @Test
    void aStreamsConsumerGetsEveryDeliveryWithItsTagIdTypeAndExactBody() throws Exception {
        String queue = declaredQueue("handoff");
        try (Connection connection = connect()) {
            Channel channel = connection.createChannel();
            HandoffChannel handoffChannel = assertInstanceOf(HandoffChannel.class, channel);
            for (int i = 1; i <= 3; i++) {
                BROKER.publish(queue, ("body " + i + " \u00e9\n").getBytes(StandardCharsets.UTF_8),
                        new AMQP.BasicProperties.Builder().messageId("m" + i).type("t" + i).build());
            }
            BlockingQueue<Handoff> handoff = new LinkedBlockingQueue<>();
            HandoffConsumer consumer = new HandoffConsumer(handoff);
            handoffChannel.deliverTo(consumer);
            channel.basicConsume(queue, false, consumer);
            for (int i = 1; i <= 3; i++) {
                Handoff.Delivery d = assertInstanceOf(Handoff.Delivery.class, handoff.poll(10, TimeUnit.SECONDS));
                assertEquals(i, d.tag());
                assertEquals("m" + i, d.messageId());
                assertEquals("t" + i, d.type());
                assertArrayEquals(("body " + i + " \u00e9\n").getBytes(StandardCharsets.UTF_8), d.body());
                assertFalse(d.redelivered());
            }
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void aChannelWithoutAStreamDeliversToItsConsumerAsUsual() throws Exception {
        String queue = declaredQueue("handoff-plain");
        try (Connection connection = connect()) {
            Channel channel = connection.createChannel();
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    received.add(new String(body, StandardCharsets.UTF_8));
                }
            });
            BROKER.publish(queue, "to the control bus");
            String body = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(body, "no delivery within 10 s");
            assertEquals("to the control bus", body);
        } finally {
            BROKER.delete(queue);
        }
    }

    @Test
    void channelsBeyondTheFirstWorkGroupGetTheirCallbacks() throws Exception {
        String queue = declaredQueue("handoff-groups");
        try (Connection connection = connect()) {
            Channel channel = null;
            for (int i = 0; i <= 2 * HandoffConnection.CHANNELS_PER_WORK_SERVICE; i++) {
                channel = connection.createChannel();
            }
            assertEquals(2 * HandoffConnection.CHANNELS_PER_WORK_SERVICE + 1, channel.getChannelNumber());
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            String tag = channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleConsumeOk(String consumerTag) {
                    events.add("consume-ok");
                }

                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    events.add(new String(body, StandardCharsets.UTF_8));
                }

                @Override
                public void handleCancelOk(String consumerTag) {
                    events.add("cancel-ok");
                }
            });
            assertEquals("consume-ok", events.poll(10, TimeUnit.SECONDS));
            BROKER.publish(queue, "in the third group");
            assertEquals("in the third group", events.poll(10, TimeUnit.SECONDS));
            channel.basicCancel(tag);
            assertEquals("cancel-ok", events.poll(10, TimeUnit.SECONDS));
        } finally {
            BROKER.delete(queue);
        }
    }
}
