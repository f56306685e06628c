package org.eventsourced.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole, validated configuration; built once at startup by {@link ConfigLoader}.
 *
 * @param sources the files it was read from, in the order they were applied
 * @param warnings things the loader accepted but an operator should hear about (logged at startup)
 */
public record Config(
        ServerConfig server,
        BrokerConfig broker,
        QueueConfig queue,
        DeliveryConfig delivery,
        HeaderConfig header,
        AuthConfig auth,
        LimitsConfig limits,
        List<String> sources,
        List<String> warnings) {

    public Config {
        Objects.requireNonNull(server);
        Objects.requireNonNull(broker);
        Objects.requireNonNull(queue);
        Objects.requireNonNull(delivery);
        Objects.requireNonNull(header);
        Objects.requireNonNull(auth);
        Objects.requireNonNull(limits);
        sources = List.copyOf(sources);
        warnings = List.copyOf(warnings);
    }
}
