package org.eventsourced.sse;

import java.time.Duration;
import org.eventsourced.config.Config;

/**
 * What every stream needs to know from the config.
 *
 * @param heartbeat    keep-alive comment interval; zero = off
 * @param retry        base reconnect delay sent in {@code retry:}
 * @param writeTimeout a write without progress this long ends the stream
 * @param ackDelay     see {@link AckPolicy}
 * @param ackWindow    see {@link AckPolicy}
 * @param prefetch     the consumer's QoS window
 */
public record StreamSettings(Duration heartbeat, Duration retry, Duration writeTimeout,
        Duration ackDelay, int ackWindow, int prefetch) {

    public static StreamSettings of(Config config) {
        return new StreamSettings(config.server().heartbeat(), config.server().retry(),
                config.server().writeTimeout(), config.delivery().ackDelay(),
                config.delivery().ackWindow(), config.queue().prefetch());
    }
}
