package org.eventsourced.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stream the server did not release looked like, for the notes: the kernel's view of its
 * connection (both ends, `ss`) and the server's threads that are inside a stream (`jcmd
 * Thread.dump_to_file`). Taken while it is still stuck, before the bench cleans up. Best effort:
 * a tool that is missing leaves a note saying so.
 */
final class StuckStreams {
    private static final Pattern CLIENT_PORT = Pattern.compile("client port (\\d+)");
    private static final Pattern INODE = Pattern.compile("ino:(\\d+)");

    private StuckStreams() {
    }

    /** `ss` lines of the connection whose bench side {@code description} names (via its client port). */
    static List<String> socketState(String description) {
        Matcher m = CLIENT_PORT.matcher(description);
        if (!m.find()) {
            return List.of("no client port in: " + description);
        }
        String port = m.group(1);
        return run(List.of("ss", "-tnoaipe", "( sport = :" + port + " or dport = :" + port + " )"));
    }

    /** The stacks of the server's threads that run a stream (its other threads left out). */
    static List<String> streamThreads(long serverPid) {
        if (serverPid <= 0) {
            return List.of("server pid unknown");
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "eventsourced-bench-threads-" + serverPid + "-" + System.nanoTime() + ".txt");
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> out = run(List.of(jcmd, Long.toString(serverPid), "Thread.dump_to_file", "-format=text",
                file.toString()));
        try {
            List<String> kept = new ArrayList<>();
            for (String block : Files.readString(file, StandardCharsets.UTF_8).split("\n\n")) {
                if (block.contains("org.eventsourced.sse.") || block.contains("org.eventsourced.broker.Subscription")) {
                    kept.addAll(block.lines().toList());
                }
            }
            return kept.isEmpty() ? List.of("no thread of the server is in a stream") : kept;
        } catch (IOException e) {
            out.add("no thread dump: " + e);
            return out;
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }

    /**
     * Which of the bench's own epoll sets still list the sockets of {@code ssLines} (by inode, as
     * /proc/self/fdinfo shows an epoll set's targets): a socket whose descriptor was closed but whose
     * file something still holds shows up in ss with an inode and no process.
     */
    static List<String> epollRegistrations(List<String> ssLines) {
        List<String> hexInodes = new ArrayList<>();
        for (String line : ssLines) {
            Matcher m = INODE.matcher(line);
            while (m.find()) {
                hexInodes.add(Long.toHexString(Long.parseLong(m.group(1))));
            }
        }
        List<String> found = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds.toList()) {
                for (String line : read(fd).lines().toList()) {
                    if (!line.startsWith("tfd:")) {
                        continue;
                    }
                    for (String ino : hexInodes) {
                        if (line.contains(" ino:" + ino + " ")) {
                            found.add("epoll fd " + fd.getFileName() + " lists inode " + Long.parseLong(ino, 16)
                                    + ": " + line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            found.add("no /proc/self/fdinfo: " + e.getMessage());
        }
        return found.isEmpty() ? List.of("no epoll set of the bench lists " + hexInodes.size() + " inodes") : found;
    }

    /**
     * The bench's own threads that sit in a system call other than a futex or epoll wait, as
     * /proc shows them ("TID name: number args"; x86-64: 0 read, 7 poll, 3 close, 45 recvfrom):
     * a socket the bench closed stays open in the kernel while a system call still holds it.
     */
    static List<String> benchThreadsInSyscalls() {
        List<String> lines = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String syscall = read(task.resolve("syscall"));
                String number = syscall.split(" ", 2)[0];
                if (!List.of("202", "232", "281", "running", "").contains(number)) {
                    lines.add(task.getFileName() + " " + read(task.resolve("comm")) + ": " + syscall);
                }
            }
        } catch (IOException e) {
            lines.add("no /proc/self/task: " + e.getMessage());
        }
        return lines.isEmpty() ? List.of("none") : lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    private static List<String> run(List<String> command) {
        List<String> lines = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.strip().replaceAll("\\s+", " ")) // ss pads its columns
                    .filter(line -> !line.isEmpty())
                    .forEach(lines::add);
            p.waitFor();
        } catch (IOException e) {
            lines.add(command.getFirst() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }
}
