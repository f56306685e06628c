package org.eventsourced.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** Finding, stopping and cleaning up after the external programs the end-to-end tests run. */
final class Executables {
    private Executables() {
    }

    /** {@code name} on the PATH, else in /usr/sbin or /usr/bin (root's tools are not always on the PATH). */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        Stream<String> dirs = Stream.concat(Stream.of(path.split(File.pathSeparator)),
                Stream.of("/usr/sbin", "/usr/bin", "/sbin"));
        return dirs.filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** Kills {@code process} and its children if the test JVM exits without closing it. */
    static Thread killOnExit(Process process) {
        Thread hook = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Stops a process we started, and every process it started: SIGTERM, up to 5 s to exit,
     * then SIGKILL. Fails if anything is still alive afterwards.
     */
    static void stop(Process process, Thread shutdownHook) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (running(child)) {
                    child.destroy();
                    if (!gone(child)) {
                        child.destroyForcibly();
                        gone(child);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook itself
            }
        }
        List<Long> alive = Stream.concat(Stream.of(process.toHandle()), children.stream())
                .filter(Executables::running).map(ProcessHandle::pid).toList();
        if (!alive.isEmpty()) {
            throw new AssertionError("processes still alive after being stopped: " + alive);
        }
    }

    /** Waits up to 5 s for a process we did not fork ourselves to end. */
    private static boolean gone(ProcessHandle process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(process)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return true;
    }

    /** Alive and not a zombie waiting for its new parent to reap it. */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // pid (comm) STATE ...: comm may contain spaces, so read after the last ')'
            return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
        } catch (IOException e) {
            return process.isAlive();
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
