package org.eventsourced;

import java.lang.management.ManagementFactory;

/** Startup warnings about the runtime the operator gave us. */
final class RuntimeChecks {
    private static final System.Logger LOG = System.getLogger(RuntimeChecks.class.getName());
    /** Each stream holds one socket; the broker connections and files need a few more. */
    private static final long FDS_PER_STREAM = 1;

    private RuntimeChecks() {
    }

    static void warnAboutRuntime() {
        if (Runtime.version().feature() < 24) {
            LOG.log(System.Logger.Level.WARNING, "Java " + Runtime.version().feature()
                    + ": the JDK HTTP server does socket I/O inside synchronized blocks, which pins virtual"
                    + " threads to carriers; a few clients that stop reading can stall others. Use Java 24 or"
                    + " newer (the image ships 25)");
        }
        long fds = maxFileDescriptors();
        if (fds > 0 && fds < 10_000 * FDS_PER_STREAM) {
            LOG.log(System.Logger.Level.WARNING, "file descriptor limit is " + fds
                    + ": at most about " + (fds - 100) + " concurrent streams; raise it (ulimit -n,"
                    + " LimitNOFILE=) for more");
        }
    }

    /** The process's open-file limit, or -1 where the platform does not say. */
    static long maxFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
