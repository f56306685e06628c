package org.eventsourced;

import org.eventsourced.config.LimitsConfig;
import org.eventsourced.http.FileDescriptors;

/** Startup warnings about the runtime the operator gave us. */
final class RuntimeChecks {
    private static final System.Logger LOG = System.getLogger(RuntimeChecks.class.getName());
    /** What one instance is built to hold when no limit is configured. */
    private static final long TARGET_STREAMS = 10_000;

    private RuntimeChecks() {
    }

    static void warnAboutRuntime(LimitsConfig limits) {
        if (Runtime.version().feature() < 24) {
            int carriers = widenVirtualThreadScheduler();
            LOG.log(System.Logger.Level.WARNING, "Java " + Runtime.version().feature()
                    + ": the JDK HTTP server does socket I/O inside synchronized blocks, which pins virtual"
                    + " threads to carriers; a few clients that stop reading can stall others. Running with "
                    + carriers + " carrier threads and server.write_timeout as mitigation; use Java 24 or newer"
                    + " (the image ships 25)");
        }
        long fds = FileDescriptors.limit();
        long wanted = limits.maxStreams() > 0 ? limits.maxStreams() : TARGET_STREAMS;
        if (fds > 0 && fds - FileDescriptors.RESERVED < wanted) {
            LOG.log(System.Logger.Level.WARNING, "file descriptor limit is " + fds + ": room for about "
                    + Math.max(0, fds - FileDescriptors.RESERVED) + " concurrent streams, " + wanted
                    + " wanted; raise it (ulimit -n, LimitNOFILE=)");
        }
    }

    /**
     * On Java 21-23 a client that stops reading pins a carrier thread for up to
     * server.write_timeout; more carriers keep the others serving meanwhile. Must run before the
     * first virtual thread starts; an operator's own setting wins.
     */
    private static int widenVirtualThreadScheduler() {
        String key = "jdk.virtualThreadScheduler.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(Math.max(32, 4 * Runtime.getRuntime().availableProcessors())));
        }
        return Integer.parseInt(System.getProperty(key));
    }
}
