package org.eventsourced.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's open-file limit: every stream holds one socket. */
public final class FileDescriptors {
    /** Kept back for broker connections, jars, the listener and the odd short request. */
    public static final long RESERVED = 256;
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private FileDescriptors() {
    }

    /**
     * The soft limit, or -1 where the platform does not say. Read from /proc rather than the
     * management beans, whose first use costs a noticeable part of start-up.
     */
    public static long limit() {
        try {
            for (String line : Files.readAllLines(LIMITS)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }
}
