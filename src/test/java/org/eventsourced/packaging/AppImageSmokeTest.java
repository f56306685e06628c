package org.eventsourced.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the built app image itself ({@code target/eventsourced/bin/eventsourced}: jlinked runtime,
 * launcher, jars, CDS archive), not the classes in {@code target/classes}.
 *
 * <p>Needs the image ({@code ./build.sh} makes it) and a RabbitMQ: {@code EVENTSOURCED_TEST_AMQP}
 * if set, else guest/guest on 127.0.0.1:5672.
 */
class AppImageSmokeTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final Duration SIGTERM_EXIT = Duration.ofSeconds(5);
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private Path tmp;

    @BeforeEach
    void createTempDir() throws IOException {
        tmp = Files.createTempDirectory("eventsourced-smoke");
    }

    @AfterEach
    void deleteTempDir() throws IOException {
        try (Stream<Path> paths = Files.walk(tmp)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void imageStreamsAMessageServesDebugVarsAndExitsZeroOnSigterm() throws Exception {
        Path launcher = AppImage.launcher();
        URI amqp = brokerUri();
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, """
                server:
                  address: 127.0.0.1:0
                broker:
                  node:
                    - %s
                """.formatted(amqp));
        String queue = "eventsourced-smoke-" + UUID.randomUUID();
        String message = "hello from the app image smoke test";

        // Not closed with try-with-resources: HttpClient.close() waits for an open stream to end.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ServerProcess server = ServerProcess.start(List.of(launcher.toString(), "-f", config.toString()))) {
            int port = server.awaitPort();
            URI base = URI.create("http://127.0.0.1:" + port);

            SseLines stream = SseLines.open(http, base.resolve("/?id=" + queue));
            stream.await(line -> line.startsWith(":"), "the first comment line of the stream");
            publish(amqp, queue, message);
            stream.await(("data: " + message)::equals, "the published message as 'data: " + message + "'");

            HttpResponse<String> vars = http.send(
                    HttpRequest.newBuilder(base.resolve("/debug/vars")).timeout(STEP).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, vars.statusCode(), () -> "GET /debug/vars: " + vars.body());
            assertTrue(vars.body().strip().startsWith("{") && vars.body().contains("\"eventsourced\""),
                    () -> "GET /debug/vars is not JSON with the key \"eventsourced\": " + vars.body());

            // SIGTERM while the stream is still open.
            server.process.destroy();
            boolean exited = server.process.waitFor(SIGTERM_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(exited, () -> "no exit within " + SIGTERM_EXIT + " of SIGTERM; stderr:\n" + server.stderr());
            assertEquals(0, server.process.exitValue(), () -> "exit status after SIGTERM; stderr:\n" + server.stderr());
            stream.close();
        } finally {
            http.shutdownNow();
            deleteQueue(amqp, queue);
        }
    }

    @Test
    void imageLoadsTheContainerConfigAndMasksItsPassword() throws Exception {
        Path dockerConfig = AppImage.repo().resolve("packaging/docker/config.yml");
        AppImage.Run run = AppImage.run(STEP,
                List.of(AppImage.launcher().toString(), "-c", "-f", dockerConfig.toString()));
        assertEquals(0, run.exitStatus(), () -> "eventsourced -c -f " + dockerConfig + ":\n" + run.output());
        assertTrue(run.output().contains("0.0.0.0:2069"), () -> "-c does not show server.address:\n" + run.output());
        assertFalse(run.output().contains(":guest@"), () -> "-c shows a broker password:\n" + run.output());
    }

    @Test
    void launcherWorksThroughASymlink() throws Exception {
        Path link = tmp.resolve("eventsourced");
        Files.createSymbolicLink(link, AppImage.launcher());
        AppImage.Run run = AppImage.run(STEP, List.of(link.toString(), "-v"));
        assertEquals(0, run.exitStatus(), () -> link + " -v:\n" + run.output());
        assertFalse(run.output().isBlank(), () -> link + " -v printed nothing");
    }

    @Test
    void imageHasItsRuntimeJarsAndCdsArchive() throws IOException {
        Path dir = AppImage.dir();
        assertTrue(Files.isExecutable(dir.resolve("runtime/bin/java")), "runtime/bin/java");
        assertTrue(Files.isRegularFile(dir.resolve("lib/jvm.options")), "lib/jvm.options");
        List<String> classpath = Files.readAllLines(dir.resolve("lib/classpath"));
        assertTrue(classpath.getFirst().startsWith("eventsourced-"), () -> "app jar first: " + classpath);
        for (String jar : classpath) {
            assertTrue(Files.isRegularFile(dir.resolve("lib").resolve(jar)), () -> "lib/" + jar + " is listed in"
                    + " lib/classpath but missing");
        }
        if ("off".equals(System.getenv("EVENTSOURCED_CDS"))) {
            return;
        }
        if (runtimeMajorVersion(dir) >= 25) {
            assertTrue(Files.isRegularFile(dir.resolve("lib/app.aot")),
                    "lib/app.aot is missing: the AOT training start in ./build.sh failed (see its warning)");
            assertFalse(Files.exists(dir.resolve("runtime/lib/server/classes.jsa")),
                    "the runtime's default CDS archive is dead weight beside lib/app.aot");
        } else {
            assertTrue(Files.isRegularFile(dir.resolve("runtime/lib/server/classes.jsa")),
                    "the runtime's default CDS archive runtime/lib/server/classes.jsa");
            assertTrue(Files.isRegularFile(dir.resolve("lib/app.jsa")),
                    "lib/app.jsa is missing: the CDS training start in ./build.sh failed (see its warning)");
        }
    }

    @Test
    void imageStartsWithItsArchiveMapped() throws Exception {
        if ("off".equals(System.getenv("EVENTSOURCED_CDS"))) {
            return; // an image built without an archive: nothing to map
        }
        // -Xshare:on / -XX:AOTMode=on: the JVM refuses to start when the archive does not map.
        String require = runtimeMajorVersion(AppImage.dir()) >= 25 ? "-XX:AOTMode=on" : "-Xshare:on";
        ProcessBuilder pb = AppImage.processBuilder(List.of(AppImage.launcher().toString(), "-v"));
        pb.environment().put("EVENTSOURCED_OPTS", require);
        AppImage.Run run = AppImage.run(STEP, pb);
        assertEquals(0, run.exitStatus(), () -> "eventsourced -v with " + require + ":\n" + run.output());
    }

    /** The feature version in the runtime's release file, e.g. 25 for JAVA_VERSION="25.0.3". */
    private static int runtimeMajorVersion(Path app) throws IOException {
        for (String line : Files.readAllLines(app.resolve("runtime/release"))) {
            if (line.startsWith("JAVA_VERSION=\"")) {
                String version = line.substring("JAVA_VERSION=\"".length());
                return Integer.parseInt(version.split("[.\"]", 2)[0]);
            }
        }
        throw new AssertionError("no JAVA_VERSION in " + app.resolve("runtime/release"));
    }

    /** EVENTSOURCED_TEST_AMQP if set, else guest on 127.0.0.1:5672; fails, saying how to get one, if none answers. */
    private static URI brokerUri() {
        String env = System.getenv("EVENTSOURCED_TEST_AMQP");
        // Maven hands an unset ${env.X} through as the literal text.
        URI uri = URI.create(env == null || env.isBlank() || env.startsWith("${")
                ? "amqp://guest:guest@127.0.0.1:5672"
                : env.strip());
        int port = uri.getPort() > 0 ? uri.getPort() : "amqps".equals(uri.getScheme()) ? 5671 : 5672;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2000);
        } catch (IOException e) {
            fail("no RabbitMQ answers at " + uri.getHost() + ":" + port + " (" + e.getMessage() + "): start one"
                    + " (rabbitmq-server -detached; .ci/run does it) or set EVENTSOURCED_TEST_AMQP to an amqp:// URI");
        }
        return uri;
    }

    /** Publishes with confirms, as mandatory: a queue the server has not declared fails here, not as a timeout. */
    private static void publish(URI amqp, String queue, String body) throws Exception {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setUri(amqp);
        cf.setConnectionTimeout(5000);
        try (Connection c = cf.newConnection("eventsourced-smoke-test"); Channel ch = c.createChannel()) {
            AtomicReference<String> returned = new AtomicReference<>();
            ch.addReturnListener(r -> returned.set(r.getReplyText()));
            ch.confirmSelect();
            ch.basicPublish("", queue, true, new AMQP.BasicProperties.Builder().contentType("text/plain").build(),
                    body.getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(STEP.toMillis());
            if (returned.get() != null) {
                fail("the broker returned the message (" + returned.get() + "): the server had not declared queue "
                        + queue + " when it sent the stream's first comment");
            }
        }
    }

    /** Cleanup: a failure here is reported on stderr, so that it does not hide the test's own failure. */
    private static void deleteQueue(URI amqp, String queue) {
        ConnectionFactory cf = new ConnectionFactory();
        try {
            cf.setUri(amqp);
            cf.setConnectionTimeout(5000);
            try (Connection c = cf.newConnection("eventsourced-smoke-test-cleanup"); Channel ch = c.createChannel()) {
                ch.queueDelete(queue);
            }
        } catch (Exception e) {
            System.err.println("AppImageSmokeTest: could not delete queue " + queue + " (it expires by itself): " + e);
        }
    }

    /** The server as a child process; its stderr is collected line by line for the port and for failure messages. */
    private static final class ServerProcess implements AutoCloseable {
        private static final String END = "\u0000end of stderr";
        final Process process;
        private final List<String> stderr = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> stderrLines = new LinkedBlockingQueue<>();

        private ServerProcess(Process process) {
            this.process = process;
        }

        static ServerProcess start(List<String> command) throws IOException {
            Process p = AppImage.processBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            ServerProcess server = new ServerProcess(p);
            Thread.ofVirtual().name("smoke-stderr").start(server::readStderr);
            return server;
        }

        private void readStderr() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    stderr.add(line);
                    stderrLines.add(line);
                }
            } catch (IOException e) {
                stderr.add("(reading stderr failed: " + e + ")");
            } finally {
                stderrLines.add(END);
            }
        }

        /** Waits for {@code listening on HOST:PORT} on stderr. */
        int awaitPort() throws InterruptedException {
            long deadline = System.nanoTime() + START.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? stderrLines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null || END.equals(line)) {
                    String when = line == null ? "within " + START : "before stderr closed";
                    process.waitFor(STEP.toMillis(), TimeUnit.MILLISECONDS);
                    fail("no 'listening on HOST:PORT' on stderr " + when
                            + (process.isAlive() ? "" : " (exit status " + process.exitValue() + ")")
                            + "; stderr:\n" + stderr());
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(2));
                }
            }
        }

        String stderr() {
            return String.join("\n", stderr);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly().onExit().join();
            }
        }
    }

    /** An SSE response read line by line on its own virtual thread, so that every wait has a deadline. */
    private static final class SseLines {
        private static final String END = "\u0000end of stream";
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final Stream<String> body;

        private SseLines(Stream<String> body) {
            this.body = body;
        }

        static SseLines open(HttpClient http, URI uri) throws Exception {
            HttpResponse<Stream<String>> r = http.sendAsync(
                            HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            if (r.statusCode() != 200) {
                String text;
                try (Stream<String> b = r.body()) {
                    text = String.join("\n", b.limit(20).toList());
                }
                fail("GET " + uri + ": status " + r.statusCode() + ", headers " + r.headers().map() + ", body:\n" + text);
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.startsWith("text/event-stream"), () -> "GET " + uri + ": Content-Type " + type);
            SseLines sse = new SseLines(r.body());
            Thread.ofVirtual().name("smoke-sse").start(sse::read);
            return sse;
        }

        private void read() {
            try {
                body.forEach(lines::add);
            } catch (UncheckedIOException e) {
                lines.add("(stream failed: " + e.getCause() + ")");
            } finally {
                lines.add(END);
            }
        }

        void await(Predicate<String> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + STEP.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null || END.equals(line)) {
                    fail("expected " + what + (line == null ? " within " + STEP : " before the stream ended")
                            + "; lines so far: " + seen);
                }
                seen.add(line);
                if (wanted.test(line)) {
                    return;
                }
            }
        }

        void close() {
            body.close();
        }
    }
}
