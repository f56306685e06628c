package org.eventsourced.broker;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.ChannelManager;
import com.rabbitmq.client.impl.ChannelN;
import com.rabbitmq.client.impl.ConnectionParams;
import com.rabbitmq.client.impl.ConsumerWorkService;
import com.rabbitmq.client.impl.FrameHandler;
import com.rabbitmq.client.observation.ObservationCollector;
import java.util.concurrent.ThreadFactory;

/**
 * A broker connection whose channels are {@link HandoffChannel}s. Built on amqp-client's
 * extension points for its own connection types (its recovering connections override the same
 * two methods); we never give the factory an observation collector, so NO_OP is what it would pass.
 */
final class HandoffConnection extends AMQConnection {

    private HandoffConnection(ConnectionParams params, FrameHandler frameHandler, MetricsCollector metrics) {
        super(params, frameHandler, metrics, ObservationCollector.NO_OP);
    }

    /** A connection factory, still to be configured, that makes HandoffConnections. */
    static ConnectionFactory factory() {
        return new ConnectionFactory() {
            @Override
            protected AMQConnection createConnection(ConnectionParams params, FrameHandler frameHandler,
                    MetricsCollector metrics) {
                return new HandoffConnection(params, frameHandler, metrics);
            }
        };
    }

    @Override
    protected ChannelManager instantiateChannelManager(int channelMax, ThreadFactory threadFactory) {
        ChannelManager manager = new ChannelManager(_workService, channelMax, threadFactory, metricsCollector,
                observationCollector) {
            @Override
            protected ChannelN instantiateChannel(AMQConnection connection, int number,
                    ConsumerWorkService workService) {
                return new HandoffChannel(connection, number, workService, metricsCollector, observationCollector);
            }
        };
        configureChannelManager(manager);
        return manager;
    }
}
