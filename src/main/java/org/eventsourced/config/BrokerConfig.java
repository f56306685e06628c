package org.eventsourced.config;

import java.util.List;

/**
 * The {@code broker} section.
 *
 * @param nodes      broker URLs, in the order written; repeats are allowed
 * @param channelMax channels requested per connection; 0 = the broker's limit
 */
public record BrokerConfig(List<BrokerNode> nodes, int channelMax) {
    public BrokerConfig {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one broker node is needed");
        }
        if (channelMax < 0 || channelMax > 65535) {
            throw new IllegalArgumentException("channel_max must be 0..65535");
        }
    }
}
