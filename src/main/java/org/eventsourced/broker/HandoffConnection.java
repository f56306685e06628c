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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * A broker connection whose channels are {@link HandoffChannel}s, each group of
 * {@value #CHANNELS_PER_WORK_SERVICE} channels with its own consumer work service. Built on
 * amqp-client's extension points for its own connection types (its recovering connections
 * override the same two methods); we never give the factory an observation collector, so NO_OP
 * is what it would pass.
 *
 * <p>Why the groups: at the start and end of every RPC (a stream's open makes five) amqp-client
 * lifts or restores the queue bound of every channel in the channel's work pool, under the pool's
 * monitor: with one pool per connection that walked up to 2,047 channels, 2.9% of the server's
 * CPU while 10,000 streams opened (bench/HISTORY.md). A pool per channel would cost about 0.5 KB
 * per idle stream; a pool per group bounds the walk at a few dozen and costs nothing per stream.
 * The groups share the connection's executor, so callbacks run where they ran before.
 */
final class HandoffConnection extends AMQConnection {
    static final int CHANNELS_PER_WORK_SERVICE = 64;

    private final ConnectionParams params;
    private final Map<Integer, ConsumerWorkService> workGroups = new ConcurrentHashMap<>();

    private HandoffConnection(ConnectionParams params, FrameHandler frameHandler, MetricsCollector metrics) {
        super(params, frameHandler, metrics, ObservationCollector.NO_OP);
        this.params = params;
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
                    ConsumerWorkService connectionWide) {
                return new HandoffChannel(connection, number, workServiceOf(number, threadFactory),
                        metricsCollector, observationCollector);
            }
        };
        configureChannelManager(manager);
        return manager;
    }

    /**
     * The work service of a channel's group, made as amqp-client makes the connection's. A channel
     * unregisters from it when it closes, and with a shared executor shutting a work service down
     * does nothing more, so the groups need no shutdown of their own. Without a shared executor
     * each would start a thread pool: then every channel stays with the connection's.
     */
    private ConsumerWorkService workServiceOf(int channelNumber, ThreadFactory threadFactory) {
        ExecutorService executor = params.getConsumerWorkServiceExecutor();
        if (executor == null) {
            return _workService;
        }
        return workGroups.computeIfAbsent(channelNumber / CHANNELS_PER_WORK_SERVICE, group ->
                new ConsumerWorkService(executor, threadFactory, params.getWorkPoolTimeout(),
                        params.getShutdownTimeout()));
    }
}
