package org.eventsourced.config;

import java.io.Serial;

/**
 * A configuration file that cannot be used. The message is one line that names the file, line and
 * key, e.g. {@code /etc/eventsourced/config.yml:7: queue.expire: must be a positive whole number of
 * seconds, got "abc"}, and never contains a password.
 */
public final class ConfigException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }
}
