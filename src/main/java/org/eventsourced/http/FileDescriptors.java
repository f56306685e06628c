package org.eventsourced.http;

import java.lang.management.ManagementFactory;

/** The process's open-file limit: every stream holds one socket. */
public final class FileDescriptors {
    /** Kept back for broker connections, jars, the listener and the odd short request. */
    public static final long RESERVED = 256;

    private FileDescriptors() {
    }

    /** The limit, or -1 where the platform does not say. */
    public static long limit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
