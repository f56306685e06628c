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

    private StuckStreams() {
    }

    /** `ss` lines of the connection whose bench side {@code description} names (via its client port). */
    static List<String> socketState(String description) {
        Matcher m = CLIENT_PORT.matcher(description);
        if (!m.find()) {
            return List.of("no client port in: " + description);
        }
        String port = m.group(1);
        return run(List.of("ss", "-tnoai", "( sport = :" + port + " or dport = :" + port + " )"));
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
