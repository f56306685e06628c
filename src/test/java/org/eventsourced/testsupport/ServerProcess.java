package org.eventsourced.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in a process of its own (the test JVM's classes and Java), for what only a process
 * shows: signals, exit codes, and JDK server settings that are fixed once per JVM.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
    private final Process process;
    private final Path config;
    private final int port;

    private ServerProcess(Process process, Path config, int port) {
        this.process = process;
        this.config = config;
        this.port = port;
    }

    /** Starts on 127.0.0.1, a free port, the test broker, plus {@code extraYaml}. */
    public static ServerProcess start(String extraYaml) throws Exception {
        Path config = Files.createTempFile("eventsourced-process", ".yml");
        Files.writeString(config, """
                server:
                  address: 127.0.0.1:0
                broker:
                  node:
                    - %s
                """.formatted(TestBroker.get().url()) + extraYaml);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.eventsourced.Main", "-f", config.toString())
                .redirectErrorStream(true).start();
        BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            int port = CompletableFuture.supplyAsync(() -> listeningPort(log)).get(20, TimeUnit.SECONDS);
            return new ServerProcess(process, config, port);
        } catch (Exception e) {
            process.destroyForcibly();
            Files.deleteIfExists(config);
            throw e;
        }
    }

    private static int listeningPort(BufferedReader log) {
        try {
            for (String line = log.readLine(); line != null; line = log.readLine()) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    Thread.ofVirtual().start(() -> drain(log));
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("server exited before listening");
    }

    private static void drain(BufferedReader log) {
        try {
            while (log.readLine() != null) {
                // keep the pipe empty so the server never blocks on its log
            }
        } catch (IOException e) {
            // process gone
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** The exit code, or null if it has not exited within the time given. */
    public Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(config);
    }
}
