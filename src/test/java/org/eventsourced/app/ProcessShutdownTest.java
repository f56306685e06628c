package org.eventsourced.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eventsourced.testsupport.Await;
import org.eventsourced.testsupport.SseClient;
import org.eventsourced.testsupport.TestBroker;
import org.junit.jupiter.api.Test;

/** The server as a process: SIGTERM with open streams drains them and exits 0. */
class ProcessShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestBroker BROKER = TestBroker.get();

    @Test
    void sigtermWithOpenStreamsRequeuesAndExitsZero() throws Exception {
        Path config = Files.createTempFile("eventsourced-sigterm", ".yml");
        Files.writeString(config, """
                server:
                  address: 127.0.0.1:0
                broker:
                  node:
                    - %s
                delivery:
                  ack_delay: 60
                """.formatted(BROKER.url()));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.eventsourced.Main", "-f", config.toString())
                .redirectErrorStream(true).start();
        String queue = TestBroker.uniqueQueue("sigterm");
        try {
            BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = CompletableFuture.supplyAsync(() -> listeningPort(log)).get(20, TimeUnit.SECONDS);
            SseClient client = SseClient.get(new InetSocketAddress("127.0.0.1", port), "/?id=" + queue);
            client.readUntil("\n\n", WAIT);
            for (int i = 0; i < 10; i++) {
                BROKER.publish(queue, "m" + i);
            }
            client.nextEvents(10, WAIT);

            long signalled = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(5, TimeUnit.SECONDS), "exited within 5 s");
            assertEquals(0, process.exitValue());
            assertTrue(System.nanoTime() - signalled < 5_000_000_000L);
            String tail = client.readToEnd(WAIT);
            assertTrue(tail.matches("(?s).*\nretry: \\d+\n$"), "final retry: " + tail);
            Await.until(() -> BROKER.messageCount(queue) == 10, WAIT, () -> "10 unacked messages requeued");
        } finally {
            process.destroyForcibly();
            BROKER.delete(queue);
            Files.deleteIfExists(config);
        }
    }

    private static int listeningPort(BufferedReader log) {
        Pattern listening = Pattern.compile("listening on [^ ]+:(\\d+)");
        try {
            for (String line = log.readLine(); line != null; line = log.readLine()) {
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    Thread.ofVirtual().start(() -> drain(log));
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("server exited before listening");
    }

    private static void drain(BufferedReader log) {
        try {
            while (log.readLine() != null) {
                // keep the pipe empty so the server never blocks on its log
            }
        } catch (java.io.IOException e) {
            // process gone
        }
    }
}
