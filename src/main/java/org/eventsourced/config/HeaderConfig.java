package org.eventsourced.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code header} section: extra response headers, in the order written.
 *
 * @param cors headers sent on every response
 * @param sse  headers sent on stream responses (hop-by-hop headers already removed)
 */
public record HeaderConfig(Map<String, String> cors, Map<String, String> sse) {
    public HeaderConfig {
        cors = Collections.unmodifiableMap(new LinkedHashMap<>(cors));
        sse = Collections.unmodifiableMap(new LinkedHashMap<>(sse));
    }
}
