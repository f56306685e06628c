package org.eventsourced;

import org.eventsourced.config.LimitsConfig;
import org.eventsourced.http.FileDescriptors;

/** Startup warnings about the runtime the operator gave us. */
final class RuntimeChecks {
    private static final System.Logger LOG = System.getLogger(RuntimeChecks.class.getName());
    /** What one instance is built to hold when no limit is configured. */
    private static final long TARGET_STREAMS = 10_000;
    /** Java 21-23: carrier threads, so that this many pinned writers still leave room for the others. */
    private static final int STUCK_WRITERS_TOLERATED = 256;

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
     * server.write_timeout (then the write watchdog closes its socket). The scheduler starts
     * carriers only while virtual threads are ready to run, so a high ceiling costs nothing when
     * nobody is stuck, and keeps the other streams served while up to CARRIERS - cores clients are.
     * Must run before the first virtual thread starts; an operator's own setting wins.
     */
    private static int widenVirtualThreadScheduler() {
        String parallelism = "jdk.virtualThreadScheduler.parallelism";
        String maxPoolSize = "jdk.virtualThreadScheduler.maxPoolSize";
        if (System.getProperty(parallelism) == null) {
            int carriers = Math.max(STUCK_WRITERS_TOLERATED, 4 * Runtime.getRuntime().availableProcessors());
            System.setProperty(parallelism, Integer.toString(carriers));
            if (System.getProperty(maxPoolSize) == null) {
                System.setProperty(maxPoolSize, Integer.toString(carriers));
            }
        }
        return Integer.parseInt(System.getProperty(parallelism));
    }
}
